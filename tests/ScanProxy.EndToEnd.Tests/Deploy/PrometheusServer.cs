using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ScanProxy.EndToEnd.Tests.Infrastructure;

namespace ScanProxy.EndToEnd.Tests.Deploy;

/// <summary>
/// A real Prometheus (Debian's package) on a free loopback port, scraping one target every second, with its
/// configuration and TSDB in a temporary folder. Disposing it kills it and deletes the folder; a process-exit hook
/// kills one a test forgot.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output = new();

    private PrometheusServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    /// <summary>A client of its HTTP API.</summary>
    public HttpClient Client { get; }

    /// <summary>What Prometheus logged so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts Prometheus scraping <paramref name="target"/> (host:port) at <c>/metrics</c> every second, evaluating
    /// the rules of <paramref name="ruleFile"/> every second, and waits until it is ready.
    /// </summary>
    public static async Task<PrometheusServer> StartAsync(string target, string ruleFile)
    {
        var executable = ToolProcess.Find("prometheus", "prometheus");
        for (var attempt = 1; ; attempt++)
        {
            var directory = Directory.CreateTempSubdirectory("scanproxy-e2e-prometheus-").FullName;
            var config = Path.Combine(directory, "prometheus.yml");
            await File.WriteAllTextAsync(config, $"""
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                rule_files:
                  - "{ruleFile}"
                scrape_configs:
                  - job_name: scanproxy
                    metrics_path: /metrics
                    static_configs:
                      - targets: ["{target}"]
                """);
            var port = FreePort.Next();
            var start = new ProcessStartInfo(executable)
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])[
                $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"])
            {
                start.ArgumentList.Add(argument);
            }

            var process = new Process { StartInfo = start };
            var server = new PrometheusServer(process, directory, port);
            process.OutputDataReceived += (_, e) => server.Record(e.Data);
            process.ErrorDataReceived += (_, e) => server.Record(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (await server.WaitUntilReadyAsync())
            {
                return server;
            }

            var output = server.Output;
            await server.DisposeAsync();
            if (attempt >= 3 || !output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"prometheus on port {port} was not ready within {s_startTimeout.TotalSeconds} s:{Environment.NewLine}{output}");
            }
        }
    }

    /// <summary>An instant query (<c>/api/v1/query</c>) at the current time: the result vector, or the error Prometheus gave.</summary>
    public async Task<(JsonArray? Result, string? Error)> QueryAsync(string expression)
    {
        using var response = await Client.GetAsync($"/api/v1/query?query={Uri.EscapeDataString(expression)}");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (string?)body["status"] == "success"
            ? (body["data"]!["result"]!.AsArray(), null)
            : (null, $"{body["errorType"]}: {body["error"]}");
    }

    /// <summary>The value of a query that returns one series, or null if it returns none.</summary>
    public async Task<double?> ScalarAsync(string expression)
    {
        var (result, error) = await QueryAsync(expression);
        Assert.That(error, Is.Null, expression);
        return result!.Count == 0 ? null : double.Parse((string)result.Single()!["value"]![1]!, CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Client.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<bool> WaitUntilReadyAsync()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < s_startTimeout && !_process.HasExited)
        {
            try
            {
                using var response = await Client.GetAsync("/-/ready");
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        return false;
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
