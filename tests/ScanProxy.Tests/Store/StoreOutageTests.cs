using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using ScanProxy.Store;
using ScanProxy.Testing;

namespace ScanProxy.Tests.Store;

/// <summary>What the store does when redis-server dies and comes back on the same port.</summary>
[NonParallelizable]
public sealed class StoreOutageTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset s_t0 = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private RedisServer _redis = null!;
    private readonly List<RedisScanProxyStore> _stores = [];
    private string _prefix = null!;

    [SetUp]
    public void StartRedis()
    {
        _redis = RedisServer.StartNew();
        _prefix = StoreServerFixture.NewPrefix();
    }

    [TearDown]
    public async Task StopAll()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        _stores.Clear();
        _redis.Dispose();
    }

    [Test]
    public async Task Writes_during_an_outage_are_queued_and_written_in_order_when_redis_returns()
    {
        var node = Connect();
        var other = Connect();
        var local = new ChangeRecorder();
        var remote = new ChangeRecorder();
        using var localSubscription = node.SubscribeBlocklist(local.Handle);
        using var remoteSubscription = other.SubscribeBlocklist(remote.Handle);

        await KillRedisAsync(node);
        Assert.That(node.Health.IsConnected, Is.False);

        // The same URL blocked, unblocked and blocked again: only the order of the writes gives the right end state.
        var elapsed = Stopwatch.StartNew();
        await node.BlockAsync(Block("https://shop.example/x.jpg"));
        await node.UnblockAsync("shop", "https://shop.example/x.jpg");
        await node.BlockAsync(Block("https://shop.example/y.jpg"));
        await node.UnblockAsync("shop", "https://shop.example/y.jpg");
        await node.BlockAsync(Block("https://shop.example/y.jpg"));
        await node.AddDetectionAsync(Detection("d1"));
        await node.AppendAuditAsync(new AuditRecord(s_t0, "key:ab12", "block", "shop", "https://shop.example/y.jpg", "outage"));
        await node.SetVerdictAsync(new string('a', 64), new ScanVerdict("match", s_t0, "d1"));
        await node.AllowDigestAsync("shop", new string('b', 64));
        await node.EnqueueNotificationAsync(new OutboxMessage("n1", "email", "abuse@shop.example", "d1", "{}", 0, s_t0));
        await node.AddPendingScanAsync(new PendingScan("shop", "https://shop.example/z.jpg", s_t0));
        elapsed.Stop();
        await TestContext.Out.WriteLineAsync($"11 writes during the outage completed in {elapsed.Elapsed.TotalMilliseconds:F1} ms");

        Assert.That(node.Health.QueuedWrites, Is.EqualTo(11));
        Assert.That(node.Health.LastError, Is.Not.Null);
        Assert.That(local.Heard.Where(c => c.Zone == "shop").Select(c => (c.Kind, c.Url)), Is.EqualTo(((BlocklistChangeKind, string?)[])
        [
            (BlocklistChangeKind.Blocked, "https://shop.example/x.jpg"),
            (BlocklistChangeKind.Unblocked, "https://shop.example/x.jpg"),
            (BlocklistChangeKind.Blocked, "https://shop.example/y.jpg"),
            (BlocklistChangeKind.Unblocked, "https://shop.example/y.jpg"),
            (BlocklistChangeKind.Blocked, "https://shop.example/y.jpg"),
        ]), "this node heard its own changes at once, in order");

        _redis.Start();
        var resyncAt = await local.WaitForAsync(c => c.Kind == BlocklistChangeKind.Resync, s_wait);
        await TestContext.Out.WriteLineAsync($"resync delivered {resyncAt.TotalMilliseconds:F0} ms into the test (reconnect delay included)");

        Assert.That(node.Health, Has.Property(nameof(StoreHealth.IsConnected)).True.And.Property(nameof(StoreHealth.QueuedWrites)).Zero, "Resync comes only after the backlog is written");
        Assert.That((await node.GetBlocksAsync("shop")).Select(b => b.Url), Is.EqualTo((string[])["https://shop.example/y.jpg"]));

        // The other node reconnects on its own schedule; its Resync says it is back.
        await remote.WaitForAsync(c => c.Kind == BlocklistChangeKind.Resync, s_wait);
        Assert.That((await other.GetDetectionAsync("d1"))?.Id, Is.EqualTo("d1"));
        Assert.That(await other.GetAuditAsync(10), Has.Count.EqualTo(1));
        Assert.That(await other.GetVerdictAsync(new string('a', 64)), Is.EqualTo(new ScanVerdict("match", s_t0, "d1")));
        Assert.That(await other.IsDigestAllowedAsync("shop", new string('b', 64)), Is.True);
        Assert.That((await other.LeaseDueNotificationsAsync(10, TimeSpan.FromSeconds(30))).Select(m => m.Id), Is.EqualTo((string[])["n1"]));
        Assert.That((await other.TakePendingScansAsync(10)).Select(s => s.Url), Is.EqualTo((string[])["https://shop.example/z.jpg"]));

        // Both subscriptions were renewed after the reconnect: pub/sub flows both ways again.
        await other.BlockAsync(Block("https://shop.example/after.jpg"));
        await local.WaitForAsync(c => c.Url == "https://shop.example/after.jpg", s_wait);
        await node.BlockAsync(Block("https://shop.example/after-2.jpg"));
        await remote.WaitForAsync(c => c.Url == "https://shop.example/after-2.jpg", s_wait);
    }

    [Test]
    public async Task Reads_during_an_outage_throw_StoreUnavailableException_with_a_clear_message()
    {
        var node = Connect();
        await KillRedisAsync(node);
        await node.BlockAsync(Block("https://shop.example/x.jpg"));

        var error = Assert.ThrowsAsync<StoreUnavailableException>(async () => await node.GetBlocksAsync("shop"));
        Assert.That(error!.Message, Does.Contain(_redis.Configuration).And.Contain("1 queued"));
        Assert.ThrowsAsync<StoreUnavailableException>(async () => await node.GetDetectionsAsync(null, null, 10));
        Assert.ThrowsAsync<StoreUnavailableException>(async () => await node.GetVerdictAsync(new string('a', 64)));
        Assert.ThrowsAsync<StoreUnavailableException>(async () => await node.LeaseDueNotificationsAsync(10, TimeSpan.FromSeconds(1)));
        Assert.ThrowsAsync<StoreUnavailableException>(async () => await node.TakePendingScansAsync(10));
    }

    [Test]
    public async Task A_block_made_during_an_outage_reaches_other_nodes_when_redis_returns()
    {
        var node = Connect();
        var other = Connect();
        var remote = new ChangeRecorder();
        using var subscription = other.SubscribeBlocklist(remote.Handle);

        await KillRedisAsync(node);
        await node.BlockAsync(Block("https://shop.example/during.jpg"));
        _redis.Start();

        await remote.WaitForAsync(c => c.Kind == BlocklistChangeKind.Resync, s_wait);
        await WaitUntilAsync(() => node.Health.QueuedWrites == 0);
        Assert.That((await other.GetBlocksAsync("shop")).Select(b => b.Url), Is.EqualTo((string[])["https://shop.example/during.jpg"]));
    }

    [Test]
    public async Task Blocks_and_unblocks_queued_during_an_outage_move_the_version_once_written()
    {
        var node = Connect();
        await node.BlockAsync(Block("https://shop.example/before.jpg"));
        var before = await node.GetBlocklistVersionAsync("shop");

        await KillRedisAsync(node);
        await node.BlockAsync(Block("https://shop.example/during.jpg"));
        await node.UnblockAsync("shop", "https://shop.example/before.jpg");
        _redis.Start();
        await WaitUntilAsync(() => node.Health is { IsConnected: true, QueuedWrites: 0 });

        // redis-server here keeps nothing across a restart: the version counts only the two queued writes.
        Assert.That(before, Is.EqualTo(1));
        Assert.That(await node.GetBlocklistVersionAsync("shop"), Is.EqualTo(2));
        Assert.That(await node.GetBlockedUrlsAsync("shop"), Is.EqualTo((string[])["https://shop.example/during.jpg"]));
    }

    [Test]
    public async Task A_store_started_while_redis_is_down_queues_writes_and_subscribes_once_it_is_up()
    {
        _redis.Kill();
        var early = Connect();
        var heard = new ChangeRecorder();
        using var subscription = early.SubscribeBlocklist(heard.Handle);
        Assert.That(early.Health.IsConnected, Is.False);
        await early.BlockAsync(Block("https://shop.example/early.jpg"));
        Assert.ThrowsAsync<StoreUnavailableException>(async () => await early.GetBlocksAsync("shop"));

        _redis.Start();
        await heard.WaitForAsync(c => c.Kind == BlocklistChangeKind.Resync, s_wait);
        Assert.That((await early.GetBlocksAsync("shop")).Select(b => b.Url), Is.EqualTo((string[])["https://shop.example/early.jpg"]));

        // Its subscription reached the server late but works: a block from another node arrives.
        var later = Connect();
        for (var attempt = 0; ; attempt++)
        {
            var url = "https://shop.example/later-" + attempt;
            await later.BlockAsync(Block(url));
            try
            {
                await heard.WaitForAsync(c => c.Url == url, TimeSpan.FromMilliseconds(200));
                break;
            }
            catch (TimeoutException) when (attempt < 25)
            {
                // The resubscription may still be on its way.
            }
        }
    }

    [Test]
    public async Task The_redis_password_appears_in_no_log_line_error_or_health_report()
    {
        const string password = "s3cr3t-pw-7f1c";
        _redis.Dispose();
        _redis = RedisServer.StartNew("--requirepass", password);
        var logger = new ListLogger();
        var store = RedisScanProxyStore.Connect(_redis.Configuration + ",password=" + password, _prefix, logger, TimeProvider.System);
        _stores.Add(store);
        await store.BlockAsync(Block("https://shop.example/a.jpg"));

        await KillRedisAsync(store);
        await store.BlockAsync(Block("https://shop.example/b.jpg"));
        var error = Assert.ThrowsAsync<StoreUnavailableException>(async () => await store.GetBlocksAsync("shop"));
        var health = store.Health.LastError;
        _redis.Start();
        await WaitUntilAsync(() => store.Health is { IsConnected: true, QueuedWrites: 0 });

        // The restarted server has no persistence: what it holds is what the backlog wrote, through AUTH.
        Assert.That((await store.GetBlocksAsync("shop")).Select(b => b.Url), Is.EqualTo((string[])["https://shop.example/b.jpg"]));
        Assert.That(logger.Lines, Is.Not.Empty);
        Assert.That(logger.Lines, Has.None.Contains(password));
        Assert.That(error!.ToString(), Does.Not.Contain(password));
        Assert.That(health, Does.Not.Contain(password));
    }

    private RedisScanProxyStore Connect()
    {
        var store = RedisScanProxyStore.Connect(_redis.Configuration, _prefix, NullLogger.Instance, TimeProvider.System);
        _stores.Add(store);
        return store;
    }

    private async Task KillRedisAsync(RedisScanProxyStore observer)
    {
        _redis.Kill();
        await WaitUntilAsync(() => !observer.Health.IsConnected);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > s_wait)
            {
                Assert.Fail($"Condition not met within {s_wait}.");
            }

            await Task.Delay(10);
        }
    }

    private static BlockRecord Block(string url) => new("shop", url, "manual", s_t0);

    private static DetectionRecord Detection(string id) => new()
    {
        Id = id,
        Zone = "shop",
        Url = "https://shop.example/y.jpg",
        FirstServedAt = s_t0,
        DetectedAt = s_t0,
        Sha256 = new string('a', 64),
        List = "known-md5",
        EntryId = "e1",
        Action = "Block",
    };
}
