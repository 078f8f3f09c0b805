using ScanProxy.EndToEnd.Tests.Infrastructure;
using ScanProxy.Hosting;
using ScanProxy.Testing;

namespace ScanProxy.EndToEnd.Tests;

/// <summary>
/// <c>scanproxy serve</c> on a Redis store runs socket completions inline, on the runtime's socket engine threads, unless
/// the operator sets the runtime's variable; on the embedded store it keeps the runtime's default. Seen from outside as
/// the number of engine threads: one per core when inline, one otherwise.
/// </summary>
public sealed class SocketCompletionsTests
{
    // The name the runtime gives its socket engine threads, as Linux shows it.
    private const string EngineThreadName = ".NET Sockets";

    private RedisServer _redis = null!;

    [OneTimeSetUp]
    public void StartRedis()
    {
        Assume.That(Environment.ProcessorCount, Is.GreaterThan(1), "on one core both ways start one engine thread");
        _redis = RedisServer.StartNew();
    }

    [OneTimeTearDown]
    public void StopRedis() => _redis?.Dispose();

    [Test]
    public async Task On_a_redis_store_completions_run_inline_unless_the_operator_turns_them_off()
    {
        await using var inline = await StartAsync(new Dictionary<string, string> { ["ScanProxy__Store__Redis"] = _redis.Configuration });
        await using var pooled = await StartAsync(new Dictionary<string, string> { ["ScanProxy__Store__Redis"] = _redis.Configuration, [SocketCompletions.InlineVariable] = "0" });

        Assert.Multiple(() =>
        {
            Assert.That(EngineThreads(inline.ProcessId), Is.EqualTo(Environment.ProcessorCount), "inline: one engine thread per core");
            Assert.That(EngineThreads(pooled.ProcessId), Is.EqualTo(1), "the operator's 0: the runtime's default, one engine thread");
        });
    }

    [Test]
    public async Task On_the_embedded_store_completions_keep_the_runtimes_default()
    {
        // Garnet waits for its append-only file on the thread that received the command: never a socket engine thread.
        await using var embedded = await StartAsync(new Dictionary<string, string>());

        Assert.That(EngineThreads(embedded.ProcessId), Is.EqualTo(1));
    }

    private static Task<ProxyProcess> StartAsync(Dictionary<string, string> environment)
    {
        environment["ScanProxy__Zones__shop__Hosts__0"] = "shop.example";
        environment["ScanProxy__Zones__shop__Origins__0"] = "http://127.0.0.1:9";
        return ProxyProcess.StartWithEnvironmentAsync(["serve"], environment);
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
