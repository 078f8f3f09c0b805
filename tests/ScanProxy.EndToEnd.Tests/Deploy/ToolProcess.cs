using System.Diagnostics;

namespace ScanProxy.EndToEnd.Tests.Deploy;

/// <summary>Runs a command-line tool (promtool, scanproxy) to its exit, bounded in time, and keeps what it printed.</summary>
internal static class ToolProcess
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs <paramref name="fileName"/> in <paramref name="workingDirectory"/>; fails the test if it does not exit in time.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IReadOnlyList<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(s_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{fileName} {string.Join(' ', arguments)} did not exit within {s_timeout.TotalSeconds} s.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The full path of <paramref name="name"/> on PATH; fails the test, saying how to install it, if it is not there.</summary>
    public static string Find(string name, string package)
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{name} is not installed (or not on PATH). Install it with 'apt-get install {package}', or run the tests through tests/run.sh, which does.");
    }
}
