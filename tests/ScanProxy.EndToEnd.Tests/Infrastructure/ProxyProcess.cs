using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScanProxy.Testing;

namespace ScanProxy.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The built <c>scanproxy</c> running as a real process: <c>dotnet scanproxy.dll serve --config FILE</c> in its own
/// working directory (where the embedded store keeps its data), on free loopback ports for the edge and the admin
/// listener. Start-up waits for <c>/healthz</c> on the admin port; stdout and stderr are kept for diagnostics;
/// disposing kills the process tree and deletes a directory it created.
/// </summary>
internal sealed partial class ProxyProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(15);
    private static readonly Lazy<string> s_executable = new(FindExecutable);

    private readonly StringBuilder _output = new();
    private readonly bool _ownsDirectory;
    private Process? _process;

    private ProxyProcess(string directory, bool ownsDirectory, int edgePort, int adminPort)
    {
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        EdgePort = edgePort;
        AdminPort = adminPort;
        ConfigPath = Path.Combine(directory, "scanproxy.json");
        EdgeClient = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{edgePort}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        AdminClient = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The working directory: the config file and the embedded store's <c>data</c> folder.</summary>
    public string Directory { get; }

    /// <summary>The <c>--config</c> file.</summary>
    public string ConfigPath { get; }

    public int EdgePort { get; }

    public int AdminPort { get; }

    /// <summary>A client of the edge listener; set the Host header per request.</summary>
    public HttpClient EdgeClient { get; }

    /// <summary>A client of the admin listener.</summary>
    public HttpClient AdminClient { get; }

    /// <summary>The running process's id.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("The proxy has not been started.");

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
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
    /// Writes <paramref name="configuration"/> (with this process's ports filled in) to the config file of
    /// <paramref name="directory"/> (a new temporary one if null), starts the proxy on it and waits until it is healthy.
    /// </summary>
    public static async Task<ProxyProcess> StartAsync(JsonObject configuration, string? directory = null)
    {
        // A free port can be taken by someone else before the proxy binds it: try again with others.
        for (var attempt = 1; ; attempt++)
        {
            var proxy = Create(directory);
            await proxy.WriteConfigAsync(configuration);
            try
            {
                await proxy.LaunchAsync(["serve", "--config", proxy.ConfigPath], new Dictionary<string, string>());
                return proxy;
            }
            catch (ProxyStartException e) when (attempt < 3 && e.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await proxy.DisposeAsync();
            }
        }
    }

    /// <summary>Starts the proxy with these arguments and environment in a new directory, listeners set by environment variables.</summary>
    public static async Task<ProxyProcess> StartWithEnvironmentAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var proxy = Create(null);
        var withPorts = new Dictionary<string, string>(environment)
        {
            ["Kestrel__Endpoints__Edge__Url"] = $"http://127.0.0.1:{proxy.EdgePort}",
            ["ScanProxy__Admin__Url"] = $"http://127.0.0.1:{proxy.AdminPort}",
        };
        await proxy.LaunchAsync(arguments, withPorts);
        return proxy;
    }

    /// <summary>Runs scanproxy to its exit in a new temporary directory: for commands that must fail.</summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunToExitAsync(IReadOnlyList<string> arguments, string? configJson = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("scanproxy-e2e-").FullName;
        try
        {
            if (configJson is not null)
            {
                await File.WriteAllTextAsync(Path.Combine(directory, "scanproxy.json"), configJson);
            }

            using var process = Process.Start(StartInfo(directory, arguments, new Dictionary<string, string>()))!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(s_startTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"scanproxy {string.Join(' ', arguments)} did not exit within {s_startTimeout.TotalSeconds} s.");
            }

            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The configuration as the proxy gets it: <paramref name="configuration"/> plus this process's listeners.</summary>
    public JsonObject WithListeners(JsonObject configuration)
    {
        var copy = (JsonObject)configuration.DeepClone();
        copy["Kestrel"] = new JsonObject { ["Endpoints"] = new JsonObject { ["Edge"] = new JsonObject { ["Url"] = $"http://127.0.0.1:{EdgePort}" } } };
        var scanProxy = copy["ScanProxy"] as JsonObject ?? [];
        copy["ScanProxy"] = scanProxy;
        var admin = scanProxy["Admin"] as JsonObject ?? [];
        scanProxy["Admin"] = admin;
        admin["Url"] = $"http://127.0.0.1:{AdminPort}";
        return copy;
    }

    /// <summary>Replaces the config file in one rename, as an editor's atomic save does.</summary>
    public async Task WriteConfigAsync(JsonObject configuration) =>
        await WriteConfigTextAsync(WithListeners(configuration).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>Replaces the config file with this text in one rename.</summary>
    public async Task WriteConfigTextAsync(string text)
    {
        var temporary = ConfigPath + ".tmp";
        await File.WriteAllTextAsync(temporary, text);
        File.Move(temporary, ConfigPath, overwrite: true);
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; fails the test after <paramref name="timeout"/>.</summary>
    public Task WaitForOutputAsync(string text, TimeSpan timeout) =>
        Eventually.TrueAsync(() => Task.FromResult(Output.Contains(text, StringComparison.Ordinal)), timeout, $"the proxy's output to contain \"{text}\"");

    /// <summary>GET through the edge with this Host header.</summary>
    public async Task<HttpResponseMessage> GetAsync(string host, string pathAndQuery, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Host = host;
        return await EdgeClient.SendAsync(request, completion);
    }

    /// <summary>The status of a GET through the edge.</summary>
    public async Task<int> StatusAsync(string host, string pathAndQuery)
    {
        using var response = await GetAsync(host, pathAndQuery);
        return (int)response.StatusCode;
    }

    /// <summary>Stops the process as a service manager would (SIGTERM) and waits for it to exit.</summary>
    public async Task<int> StopAsync()
    {
        var process = _process ?? throw new InvalidOperationException("The proxy is not running.");
        if (!process.HasExited && Kill(process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
        }

        using var timeout = new CancellationTokenSource(s_stopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The proxy did not stop within {s_stopTimeout.TotalSeconds} s of SIGTERM.{Environment.NewLine}{Output}");
        }

        var exitCode = process.ExitCode;
        process.Dispose();
        _process = null;
        return exitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            process.Dispose();
            _process = null;
        }

        EdgeClient.Dispose();
        AdminClient.Dispose();
        if (_ownsDirectory)
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private static ProxyProcess Create(string? directory)
    {
        var owns = directory is null;
        directory ??= System.IO.Directory.CreateTempSubdirectory("scanproxy-e2e-").FullName;
        return new ProxyProcess(directory, owns, FreePort.Next(), FreePort.Next());
    }

    private async Task LaunchAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var process = new Process { StartInfo = StartInfo(Directory, arguments, environment) };
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < s_startTimeout)
        {
            if (process.HasExited)
            {
                // Let the output readers drain before reporting it.
                await process.WaitForExitAsync();
                throw new ProxyStartException($"scanproxy exited with code {process.ExitCode} before it was healthy.", Output);
            }

            try
            {
                using var response = await AdminClient.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        throw new ProxyStartException($"scanproxy was not healthy within {s_startTimeout.TotalSeconds} s.", Output);
    }

    private static ProcessStartInfo StartInfo(string directory, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(s_executable.Value);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Nothing from the test runner's environment may configure the proxy behind the test's back.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ScanProxy__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DOTNET_SYSTEM_NET_SOCKETS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return start;
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

    private static string DotnetHost() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    // The scanproxy build of the same configuration as these tests (bin/Debug or bin/Release).
    private static string FindExecutable()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var path = Path.Combine(TestPaths.RepositoryRoot, "src", "ScanProxy", "bin", configuration, "net10.0", "scanproxy.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is not built; build src/ScanProxy first.");
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

/// <summary>The proxy exited or stayed unhealthy during start-up; <see cref="Output"/> says why.</summary>
internal sealed class ProxyStartException(string message, string output) : Exception($"{message}{Environment.NewLine}{output}")
{
    public string Output { get; } = output;
}
