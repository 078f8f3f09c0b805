using System.Diagnostics;
using System.Text.Json.Nodes;
using ScanProxy.EndToEnd.Tests.Infrastructure;
using ScanProxy.Store;
using ScanProxy.Testing;
using StackExchange.Redis;

namespace ScanProxy.EndToEnd.Tests;

/// <summary>
/// Two proxy processes on one redis-server: a block made through node A's admin API is enforced by node B within
/// a second, a block whose message was missed is enforced after the next periodic resync (1 s here), and a store
/// outage neither unblocks anything nor stops serving (SPEC §6, §8).
/// </summary>
[NonParallelizable]
public sealed class SharedStoreTests
{
    private const string Key = "shared-store-test-key-0123456789";

    private static readonly TimeSpan s_target = TimeSpan.FromSeconds(1);

    private RedisServer _redis = null!;
    private RedisScanProxyStore _store = null!;
    private TestOrigin _origin = null!;
    private ProxyProcess _nodeA = null!;
    private ProxyProcess _nodeB = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _redis = RedisServer.StartNew();
        _store = StoreClient.Connect(_redis.Configuration);
        _origin = await TestOrigin.StartAsync();
        var configuration = JsonNode.Parse($$"""
            {
              "ScanProxy": {
                "Store": { "Redis": "{{_redis.Configuration}}" },
                "Admin": { "ApiKeys": [ "{{Key}}" ] },
                "Blocklist": { "ResyncInterval": "00:00:01" },
                "Zones": { "shop": { "Hosts": [ "shop.example" ], "Origins": [ "{{_origin.Url}}" ] } }
              }
            }
            """)!.AsObject();
        var starting = new[] { ProxyProcess.StartAsync(configuration), ProxyProcess.StartAsync(configuration) };
        _nodeA = await starting[0];
        _nodeB = await starting[1];
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0)
        {
            await TestContext.Out.WriteLineAsync($"node A:{Environment.NewLine}{_nodeA.Output}{Environment.NewLine}node B:{Environment.NewLine}{_nodeB.Output}");
        }

        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        await _origin.DisposeAsync();
        await _store.DisposeAsync();
        _redis.Dispose();
    }

    [Test]
    public async Task A_block_reaches_every_node_within_a_second()
    {
        // Measure propagation, not the first request's JIT: both nodes serve and block once first.
        Assert.That(await _nodeA.BlockAsync(Key, "shop", "http://shop.example/img/warm-up.jpg"), Is.EqualTo(201));
        foreach (var node in new[] { _nodeA, _nodeB })
        {
            Assert.That(await node.StatusAsync("shop.example", "/img/warm-up-served.jpg"), Is.EqualTo(200));
            await Eventually.TrueAsync(async () => await node.StatusAsync("shop.example", "/img/warm-up.jpg") == 451, TimeSpan.FromSeconds(10), "the warm-up block");
        }

        var timings = new List<(TimeSpan A, TimeSpan B)>();
        for (var i = 0; i < 5; i++)
        {
            var path = $"/img/propagation-{i}.jpg";
            Assert.That(await _nodeA.StatusAsync("shop.example", path), Is.EqualTo(200));
            Assert.That(await _nodeB.StatusAsync("shop.example", path), Is.EqualTo(200));

            var write = Stopwatch.StartNew();
            Assert.That(await _nodeA.BlockAsync(Key, "shop", "http://shop.example" + path), Is.EqualTo(201));
            var written = write.Elapsed;
            var enforced = await Task.WhenAll(
                Eventually.TrueAsync(async () => await _nodeA.StatusAsync("shop.example", path) == 451, s_target, $"node A to block {path}", TimeSpan.FromMilliseconds(2)),
                Eventually.TrueAsync(async () => await _nodeB.StatusAsync("shop.example", path) == 451, s_target, $"node B to block {path}", TimeSpan.FromMilliseconds(2)));
            timings.Add((written + enforced[0], written + enforced[1]));
        }

        await TestContext.Out.WriteLineAsync(string.Join(", ", timings.Select(t => $"A {t.A.TotalMilliseconds:0.0} ms / B {t.B.TotalMilliseconds:0.0} ms")));
        var all = timings.Select(t => t.B).Order().ToArray();
        await TestContext.Out.WriteLineAsync(
            $"Block through node A's admin API, enforced by node B (5 blocks; from the POST to the first 451 seen, polling every 2 ms): "
            + $"median {all[all.Length / 2].TotalMilliseconds:0.0} ms, max {all[^1].TotalMilliseconds:0.0} ms.");
        Assert.That(all[^1], Is.LessThan(s_target));
    }

    [Test]
    public async Task An_unblock_reaches_every_node()
    {
        const string path = "/img/unblocked-everywhere.jpg";
        await _store.BlockAsync("shop", "http://shop.example" + path);
        await Eventually.TrueAsync(async () => await _nodeB.StatusAsync("shop.example", path) == 451, s_target, "node B to block");

        await _store.UnblockAsync("shop", "http://shop.example" + path);

        await Eventually.TrueAsync(async () => await _nodeA.StatusAsync("shop.example", path) == 200, s_target, "node A to unblock");
        await Eventually.TrueAsync(async () => await _nodeB.StatusAsync("shop.example", path) == 200, s_target, "node B to unblock");
    }

    [Test]
    public async Task A_block_whose_message_was_missed_is_enforced_by_every_node_after_the_periodic_resync()
    {
        const string path = "/img/message-missed.jpg";
        Assert.That(await _nodeB.StatusAsync("shop.example", path), Is.EqualTo(200));

        // What a block writes, without the pub/sub message: as if both nodes had missed it.
        await using (var client = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration))
        {
            var keys = new StoreKeys("scanproxy:");
            var transaction = client.GetDatabase().CreateTransaction();
            _ = transaction.HashSetAsync(keys.Blocks("shop"), "http://shop.example" + path, "{}");
            _ = transaction.StringIncrementAsync(keys.BlocklistVersion("shop"));
            Assert.That(await transaction.ExecuteAsync(), Is.True);
        }

        await Eventually.TrueAsync(async () => await _nodeA.StatusAsync("shop.example", path) == 451, TimeSpan.FromSeconds(15), "node A to enforce the missed block");
        await Eventually.TrueAsync(async () => await _nodeB.StatusAsync("shop.example", path) == 451, TimeSpan.FromSeconds(15), "node B to enforce the missed block");
    }

    [Test]
    public async Task While_the_store_is_down_blocks_hold_and_everything_else_is_served()
    {
        const string before = "/img/blocked-before-outage.jpg";
        const string during = "/img/blocked-during-outage.jpg";
        await _store.BlockAsync("shop", "http://shop.example" + before);
        await Eventually.TrueAsync(async () => await _nodeA.StatusAsync("shop.example", before) == 451, s_target, "node A to block before the outage");
        await Eventually.TrueAsync(async () => await _nodeB.StatusAsync("shop.example", before) == 451, s_target, "node B to block before the outage");

        _redis.Kill();
        try
        {
            // Long enough for both nodes to notice and for a periodic resync attempt to fail.
            await Task.Delay(TimeSpan.FromSeconds(2));
            foreach (var node in new[] { _nodeA, _nodeB })
            {
                Assert.That(await node.StatusAsync("shop.example", before), Is.EqualTo(451));
                Assert.That(await node.StatusAsync("shop.example", "/img/served-during-outage.jpg"), Is.EqualTo(200));
            }

            // Made through node A while Redis is down: enforced by node A at once, written when Redis returns.
            Assert.That(await _nodeA.BlockAsync(Key, "shop", "http://shop.example" + during), Is.EqualTo(201));
            Assert.That(await _nodeA.StatusAsync("shop.example", during), Is.EqualTo(451));
            Assert.That(await _nodeB.StatusAsync("shop.example", during), Is.EqualTo(200), "node B cannot know yet");
        }
        finally
        {
            _redis.Start();
        }

        await Eventually.TrueAsync(
            async () => (await GetBlocksOrEmptyAsync()).Any(b => b.Url == "http://shop.example" + during),
            TimeSpan.FromSeconds(15),
            "the block made during the outage to reach redis-server");
        await Eventually.TrueAsync(async () => await _nodeA.StatusAsync("shop.example", during) == 451, TimeSpan.FromSeconds(15), "node A to enforce the block made during the outage");
        await Eventually.TrueAsync(async () => await _nodeB.StatusAsync("shop.example", during) == 451, TimeSpan.FromSeconds(15), "node B to enforce the block made during the outage");
    }

    private async Task<IReadOnlyList<BlockRecord>> GetBlocksOrEmptyAsync()
    {
        try
        {
            return await _store.GetBlocksAsync("shop");
        }
        catch (StoreUnavailableException)
        {
            return [];
        }
    }
}
