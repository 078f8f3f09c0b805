using ScanProxy.EndToEnd.Tests.Infrastructure;

namespace ScanProxy.EndToEnd.Tests;

/// <summary>
/// <c>scanproxy serve</c> runs socket completions inline, on the runtime's socket engine threads, unless the operator
/// sets the runtime's variable: seen from outside as the number of engine threads, one per core when inline.
/// </summary>
public sealed class SocketCompletionsTests
{
    private const string InlineVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    // The name the runtime gives its socket engine threads, as Linux shows it.
    private const string EngineThreadName = ".NET Sockets";

    [Test]
    public async Task Serve_runs_socket_completions_inline_unless_the_operator_turns_them_off()
    {
        Assume.That(Environment.ProcessorCount, Is.GreaterThan(1), "on one core both ways start one engine thread");

        await using var inline = await ProxyProcess.StartWithEnvironmentAsync(["serve"], new Dictionary<string, string>());
        await using var pooled = await ProxyProcess.StartWithEnvironmentAsync(["serve"], new Dictionary<string, string> { [InlineVariable] = "0" });

        Assert.Multiple(() =>
        {
            Assert.That(EngineThreads(inline.ProcessId), Is.EqualTo(Environment.ProcessorCount), "inline: one engine thread per core");
            Assert.That(EngineThreads(pooled.ProcessId), Is.EqualTo(1), "the operator's 0: the runtime's default, one engine thread");
        });
    }

    private static int EngineThreads(int processId)
    {
        var count = 0;
        foreach (var task in Directory.GetDirectories($"/proc/{processId}/task"))
        {
            string name;
            try
            {
                name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
            }
            catch (IOException)
            {
                // The thread ended since the listing.
                continue;
            }

            if (name == EngineThreadName)
            {
                count++;
            }
        }

        return count;
    }
}
