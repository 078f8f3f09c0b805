using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using ScanProxy.Testing;

namespace ScanProxy.EndToEnd.Tests.Demo;

/// <summary>
/// <c>scanproxy demo</c> as a user runs it: a real process in a directory of its own, its output read as it comes,
/// stopped with Ctrl+C (SIGINT). Disposing kills it if it is still running.
/// </summary>
internal sealed partial class DemoProcess : IAsyncDisposable
{
    private const int SigInt = 2;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _directory;

    private DemoProcess(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

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

    public static DemoProcess Start()
    {
        var directory = Directory.CreateTempSubdirectory("scanproxy-demo-e2e-").FullName;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Executable());
        start.ArgumentList.Add("demo");
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ScanProxy__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        var process = new Process { StartInfo = start };
        var demo = new DemoProcess(process, directory);
        process.OutputDataReceived += (_, e) => demo.Record(e.Data);
        process.ErrorDataReceived += (_, e) => demo.Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return demo;
    }

    /// <summary>The demo's output up to <paramref name="line"/>; fails the test if it does not come within <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForAsync(string line, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Output.Contains(line, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync();
                Assert.Fail($"scanproxy demo exited with code {_process.ExitCode} before printing \"{line}\".{Environment.NewLine}{Output}");
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"scanproxy demo did not print \"{line}\" within {timeout.TotalSeconds} s.{Environment.NewLine}{Output}");
            }

            await Task.Delay(50);
        }

        return Output;
    }

    /// <summary>Presses Ctrl+C and waits for the exit code.</summary>
    public async Task<int> InterruptAsync(TimeSpan timeout)
    {
        if (Kill(_process.Id, SigInt) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGINT) failed with errno {Marshal.GetLastPInvokeError()}.");
        }

        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"scanproxy demo did not stop within {timeout.TotalSeconds} s of Ctrl+C.{Environment.NewLine}{Output}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    // The scanproxy build of the same configuration as these tests.
    private static string Executable()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var path = Path.Combine(TestPaths.RepositoryRoot, "src", "ScanProxy", "bin", configuration, "net10.0", "scanproxy.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is not built; build src/ScanProxy first.");
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

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
