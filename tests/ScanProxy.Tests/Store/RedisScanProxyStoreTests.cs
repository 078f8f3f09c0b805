using ScanProxy.Store;
using StackExchange.Redis;

namespace ScanProxy.Tests.Store;

[TestFixture(StoreBackend.Redis)]
[TestFixture(StoreBackend.EmbeddedGarnet)]
[NonParallelizable]
public sealed class RedisScanProxyStoreTests(StoreBackend backend)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(5);
    private static readonly DateTimeOffset s_t0 = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private StoreServerFixture _server = null!;
    private string _prefix = null!;
    private readonly List<RedisScanProxyStore> _stores = [];

    [OneTimeSetUp]
    public void StartServer() => _server = new StoreServerFixture(backend);

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [SetUp]
    public void NewPrefix() => _prefix = StoreServerFixture.NewPrefix();

    [TearDown]
    public async Task DisposeStores()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        _stores.Clear();
    }

    [Test]
    public async Task A_block_is_listed_for_its_zone_and_blocking_it_again_returns_false()
    {
        var store = Connect();
        var block = new BlockRecord("shop", "https://shop.example/a.jpg", "detection:d1", s_t0, new string('a', 64));

        Assert.That(await store.BlockAsync(block), Is.True);
        Assert.That(await store.BlockAsync(block with { Reason = "again" }), Is.False);

        var blocks = await store.GetBlocksAsync("shop");
        Assert.That(blocks, Is.EqualTo((BlockRecord[])[block]), "the first block's record stays");
        Assert.That(await store.GetBlocksAsync("other"), Is.Empty);
    }

    [Test]
    public async Task Unblock_removes_the_url_and_returns_false_when_it_was_not_blocked()
    {
        var store = Connect();
        await store.BlockAsync(new BlockRecord("shop", "https://shop.example/a.jpg", "manual", s_t0));
        await store.BlockAsync(new BlockRecord("shop", "https://shop.example/b.jpg", "manual", s_t0));

        Assert.That(await store.UnblockAsync("shop", "https://shop.example/a.jpg"), Is.True);
        Assert.That(await store.UnblockAsync("shop", "https://shop.example/a.jpg"), Is.False);

        var urls = (await store.GetBlocksAsync("shop")).Select(b => b.Url);
        Assert.That(urls, Is.EqualTo((string[])["https://shop.example/b.jpg"]));
    }

    [Test]
    public async Task The_blocklist_version_moves_with_every_block_and_unblock_of_its_zone_alone()
    {
        var store = Connect();
        var before = await store.GetBlocklistVersionAsync("shop");

        await store.BlockAsync(new BlockRecord("shop", "https://shop.example/a.jpg", "manual", s_t0));
        var afterBlock = await store.GetBlocklistVersionAsync("shop");
        await store.UnblockAsync("shop", "https://shop.example/a.jpg");
        var afterUnblock = await store.GetBlocklistVersionAsync("shop");

        Assert.That(before, Is.Zero);
        Assert.That(afterBlock, Is.GreaterThan(before));
        Assert.That(afterUnblock, Is.GreaterThan(afterBlock));
        Assert.That(await store.GetBlocklistVersionAsync("other"), Is.Zero);
    }

    [Test]
    public async Task Blocked_urls_are_listed_without_their_records_for_their_zone_alone()
    {
        var store = Connect();
        await store.BlockAsync(new BlockRecord("shop", "https://shop.example/a.jpg", "manual", s_t0));
        await store.BlockAsync(new BlockRecord("shop", "https://shop.example/b.jpg?v=1", "manual", s_t0));
        await store.BlockAsync(new BlockRecord("blog", "https://blog.example/c.jpg", "manual", s_t0));

        var urls = await store.GetBlockedUrlsAsync("shop");

        Assert.That(urls, Is.EquivalentTo((string[])["https://shop.example/a.jpg", "https://shop.example/b.jpg?v=1"]));
        Assert.That(await store.GetBlockedUrlsAsync("none"), Is.Empty);
    }

    [Test]
    public async Task A_blocklist_written_into_the_hash_by_hand_is_listed_at_version_zero()
    {
        var store = Connect();
        await using var client = await ConnectionMultiplexer.ConnectAsync(_server.Configuration);
        await client.GetDatabase().HashSetAsync(new StoreKeys(_prefix).Blocks("shop"), "https://shop.example/hand.jpg", "{}");

        Assert.That(await store.GetBlockedUrlsAsync("shop"), Is.EqualTo((string[])["https://shop.example/hand.jpg"]));
        Assert.That(await store.GetBlocklistVersionAsync("shop"), Is.Zero);
    }

    [Test]
    public async Task Zone_names_with_braces_and_percent_signs_keep_separate_blocklists()
    {
        var store = Connect();
        string[] zones = ["a}b", "a%7Db", "{x}", "a", "ä zone:1"];
        foreach (var zone in zones)
        {
            await store.BlockAsync(new BlockRecord(zone, "https://x/" + zone, "manual", s_t0));
        }

        foreach (var zone in zones)
        {
            var blocks = await store.GetBlocksAsync(zone);
            Assert.That(blocks.Select(b => b.Url), Is.EqualTo((string[])["https://x/" + zone]), zone);
        }
    }

    [Test]
    public async Task A_block_through_one_store_reaches_a_subscriber_of_another_store()
    {
        var nodeA = Connect();
        var nodeB = Connect();
        var heardByB = new ChangeRecorder();
        using var subscription = nodeB.SubscribeBlocklist(heardByB.Handle);

        // Let B's subscription reach the server before A publishes.
        await WaitUntilSubscribedAsync(nodeA, heardByB);

        var latencies = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var url = $"https://shop.example/late-{i}.jpg";
            var sent = heardByB.Now;
            await nodeA.BlockAsync(new BlockRecord("shop", url, "manual", s_t0));
            var arrived = await heardByB.WaitForAsync(c => c is { Kind: BlocklistChangeKind.Blocked, Zone: "shop" } && c.Url == url, s_wait);
            latencies.Add((arrived - sent).TotalMilliseconds);
        }

        latencies.Sort();
        await TestContext.Out.WriteLineAsync($"{backend}: block from store A heard by store B's subscriber: median {latencies[10]:F2} ms, max {latencies[^1]:F2} ms over 20 blocks (busy shared machine)");

        await nodeA.UnblockAsync("shop", "https://shop.example/late-3.jpg");
        await heardByB.WaitForAsync(c => c is { Kind: BlocklistChangeKind.Unblocked, Zone: "shop", Url: "https://shop.example/late-3.jpg" }, s_wait);
    }

    [Test]
    public async Task A_local_subscriber_hears_its_own_block_at_once_and_only_once()
    {
        var node = Connect();
        var other = Connect();
        var local = new ChangeRecorder();
        var remote = new ChangeRecorder();
        using var localSubscription = node.SubscribeBlocklist(local.Handle);
        using var remoteSubscription = other.SubscribeBlocklist(remote.Handle);
        await WaitUntilSubscribedAsync(node, remote);
        var before = local.Heard.Count;

        var blocking = node.BlockAsync(new BlockRecord("shop", "https://shop.example/own.jpg", "manual", s_t0));
        Assert.That(local.Heard.Skip(before).Count(c => c.Url == "https://shop.example/own.jpg"), Is.EqualTo(1), "delivered before the server answered");
        await blocking;

        // Once the other store heard the pub/sub message, this store's echo has arrived too and must be ignored.
        await remote.WaitForAsync(c => c.Url == "https://shop.example/own.jpg", s_wait);
        await Task.Delay(100);
        Assert.That(local.Heard.Count(c => c.Url == "https://shop.example/own.jpg"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_disposed_subscription_hears_nothing_more()
    {
        var node = Connect();
        var recorder = new ChangeRecorder();
        var subscription = node.SubscribeBlocklist(recorder.Handle);
        await node.BlockAsync(new BlockRecord("shop", "https://shop.example/1", "manual", s_t0));
        subscription.Dispose();
        await node.BlockAsync(new BlockRecord("shop", "https://shop.example/2", "manual", s_t0));

        Assert.That(recorder.Heard.Select(c => c.Url), Is.EqualTo((string[])["https://shop.example/1"]));
    }

    [Test]
    public async Task Detections_come_newest_first_and_filter_by_zone_since_and_limit()
    {
        var store = Connect();
        for (var i = 0; i < 6; i++)
        {
            await store.AddDetectionAsync(Detection($"d{i}", i % 2 == 0 ? "shop" : "blog", s_t0.AddMinutes(i)));
        }

        Assert.That(Ids(await store.GetDetectionsAsync(null, null, 100)), Is.EqualTo((string[])["d5", "d4", "d3", "d2", "d1", "d0"]));
        Assert.That(Ids(await store.GetDetectionsAsync("shop", null, 100)), Is.EqualTo((string[])["d4", "d2", "d0"]));
        Assert.That(Ids(await store.GetDetectionsAsync("shop", s_t0.AddMinutes(2), 100)), Is.EqualTo((string[])["d4", "d2"]), "since is inclusive");
        Assert.That(Ids(await store.GetDetectionsAsync(null, null, 2)), Is.EqualTo((string[])["d5", "d4"]));
        Assert.That(await store.GetDetectionsAsync("nowhere", null, 10), Is.Empty);
    }

    [Test]
    public async Task A_detection_reads_back_whole_and_an_unknown_id_reads_as_null()
    {
        var store = Connect();
        var detection = Detection("d1", "shop", s_t0);

        await store.AddDetectionAsync(detection);
        await store.AddDetectionAsync(detection);

        Assert.That(await store.GetDetectionAsync("d1"), Is.EqualTo(detection));
        Assert.That(await store.GetDetectionsAsync(null, null, 10), Has.Count.EqualTo(1), "adding the same detection twice stores it once");
        Assert.That(await store.GetDetectionAsync("nope"), Is.Null);
    }

    [Test]
    public async Task The_audit_log_comes_newest_first_up_to_the_limit()
    {
        var store = Connect();
        var records = Enumerable.Range(0, 4)
            .Select(i => new AuditRecord(s_t0.AddSeconds(i), "key:ab12", i % 2 == 0 ? "block" : "unblock", "shop", $"https://shop.example/{i}", null))
            .ToList();
        foreach (var record in records)
        {
            await store.AppendAuditAsync(record);
        }

        Assert.That(await store.GetAuditAsync(3), Is.EqualTo((AuditRecord[])[records[3], records[2], records[1]]));
    }

    [Test]
    public async Task A_verdict_is_found_by_its_digest_in_either_case()
    {
        var store = Connect();
        var digest = "ABCDEF" + new string('0', 58);
        var verdict = new ScanVerdict("match", s_t0, "d1");

        Assert.That(await store.GetVerdictAsync(digest), Is.Null);
        await store.SetVerdictAsync(digest, verdict);

        Assert.That(await store.GetVerdictAsync(digest.ToLowerInvariant()), Is.EqualTo(verdict));
    }

    [TestCase("")]
    [TestCase("abc")]
    [TestCase("zz00000000000000000000000000000000000000000000000000000000000000")]
    public void A_digest_that_is_not_64_hex_characters_is_refused(string digest)
    {
        var store = Connect();

        Assert.ThrowsAsync<ArgumentException>(async () => await store.SetVerdictAsync(digest, new ScanVerdict("clean", s_t0)));
        Assert.ThrowsAsync<ArgumentException>(async () => await store.AllowDigestAsync("shop", digest));
    }

    [Test]
    public async Task An_allowed_digest_is_allowed_only_in_its_zone()
    {
        var store = Connect();
        var digest = new string('b', 64);

        await store.AllowDigestAsync("shop", digest);

        Assert.That(await store.IsDigestAllowedAsync("shop", digest.ToUpperInvariant()), Is.True);
        Assert.That(await store.IsDigestAllowedAsync("blog", digest), Is.False);
        Assert.That(await store.IsDigestAllowedAsync("shop", new string('c', 64)), Is.False);
    }

    [Test]
    public async Task Enqueueing_the_same_notification_id_twice_keeps_the_first()
    {
        var store = Connect();
        var first = Notification("n1", DateTimeOffset.UtcNow.AddSeconds(-1));

        await store.EnqueueNotificationAsync(first);
        await store.EnqueueNotificationAsync(first with { Payload = "{\"other\":true}" });

        var leased = await store.LeaseDueNotificationsAsync(10, TimeSpan.FromSeconds(30));
        Assert.That(leased, Is.EqualTo((OutboxMessage[])[first]));
    }

    [Test]
    public async Task A_notification_not_yet_due_or_already_leased_is_not_leased()
    {
        var store = Connect();
        await store.EnqueueNotificationAsync(Notification("later", DateTimeOffset.UtcNow.AddMinutes(5)));
        await store.EnqueueNotificationAsync(Notification("now", DateTimeOffset.UtcNow.AddSeconds(-1)));

        Assert.That((await store.LeaseDueNotificationsAsync(10, TimeSpan.FromSeconds(30))).Select(m => m.Id), Is.EqualTo((string[])["now"]));
        Assert.That(await store.LeaseDueNotificationsAsync(10, TimeSpan.FromSeconds(30)), Is.Empty);
    }

    [Test]
    public async Task Two_stores_leasing_at_once_never_get_the_same_notification()
    {
        var nodeA = Connect();
        var nodeB = Connect();
        const int count = 40;
        var due = DateTimeOffset.UtcNow.AddSeconds(-1);
        for (var i = 0; i < count; i++)
        {
            await nodeA.EnqueueNotificationAsync(Notification($"n{i}", due));
        }

        var leasedByA = new List<string>();
        var leasedByB = new List<string>();
        for (var round = 0; round < count; round++)
        {
            var a = nodeA.LeaseDueNotificationsAsync(3, TimeSpan.FromMinutes(1));
            var b = nodeB.LeaseDueNotificationsAsync(3, TimeSpan.FromMinutes(1));
            leasedByA.AddRange((await a).Select(m => m.Id));
            leasedByB.AddRange((await b).Select(m => m.Id));
        }

        Assert.That(leasedByA.Intersect(leasedByB), Is.Empty);
        Assert.That(leasedByA.Concat(leasedByB), Is.EquivalentTo(Enumerable.Range(0, count).Select(i => $"n{i}")));
    }

    [Test]
    public async Task A_lease_that_expires_lets_another_store_take_the_notification()
    {
        var nodeA = Connect();
        var nodeB = Connect();
        await nodeA.EnqueueNotificationAsync(Notification("n1", DateTimeOffset.UtcNow.AddSeconds(-1)));

        Assert.That(await nodeA.LeaseDueNotificationsAsync(10, TimeSpan.FromMilliseconds(300)), Has.Count.EqualTo(1));
        Assert.That(await nodeB.LeaseDueNotificationsAsync(10, TimeSpan.FromSeconds(30)), Is.Empty, "still leased by A");

        await Task.Delay(400);
        Assert.That((await nodeB.LeaseDueNotificationsAsync(10, TimeSpan.FromSeconds(30))).Select(m => m.Id), Is.EqualTo((string[])["n1"]), "A died holding it");
    }

    [Test]
    public async Task A_retried_notification_comes_back_when_due_with_its_attempt_and_error()
    {
        var store = Connect();
        var message = Notification("n1", DateTimeOffset.UtcNow.AddSeconds(-1));
        await store.EnqueueNotificationAsync(message);
        var leased = (await store.LeaseDueNotificationsAsync(10, TimeSpan.FromSeconds(30))).Single();

        var dueAgain = DateTimeOffset.UtcNow.AddMilliseconds(300);
        await store.RetryNotificationAsync(leased, dueAgain, "smtp: 451 try later");
        Assert.That(await store.LeaseDueNotificationsAsync(10, TimeSpan.FromSeconds(30)), Is.Empty, "not due yet");

        await Task.Delay(400);
        var retried = (await store.LeaseDueNotificationsAsync(10, TimeSpan.FromSeconds(30))).Single();
        Assert.That(retried, Is.EqualTo(message with { Attempts = 1, DueAt = dueAgain, LastError = "smtp: 451 try later" }));
    }

    [Test]
    public async Task A_completed_notification_is_never_leased_again_even_if_enqueued_again()
    {
        var store = Connect();
        var message = Notification("n1", DateTimeOffset.UtcNow.AddSeconds(-1));
        await store.EnqueueNotificationAsync(message);
        await store.LeaseDueNotificationsAsync(10, TimeSpan.FromMilliseconds(100));

        await store.CompleteNotificationAsync("n1");
        await store.EnqueueNotificationAsync(message);
        await Task.Delay(150);

        Assert.That(await store.LeaseDueNotificationsAsync(10, TimeSpan.FromSeconds(30)), Is.Empty);
    }

    [Test]
    public async Task Pending_scans_are_taken_oldest_first_and_only_once()
    {
        var store = Connect();
        var scans = Enumerable.Range(0, 5).Select(i => new PendingScan("shop", $"https://shop.example/{i}.jpg", s_t0.AddSeconds(i))).ToList();
        foreach (var scan in scans.AsEnumerable().Reverse())
        {
            await store.AddPendingScanAsync(scan);
        }

        Assert.That(await store.TakePendingScansAsync(3), Is.EqualTo(scans.Take(3)));
        Assert.That(await store.TakePendingScansAsync(10), Is.EqualTo(scans.Skip(3)));
        Assert.That(await store.TakePendingScansAsync(10), Is.Empty);
    }

    [Test]
    public void Bad_arguments_are_refused_with_argument_exceptions()
    {
        var store = Connect();

        Assert.ThrowsAsync<ArgumentException>(async () => await store.BlockAsync(new BlockRecord("", "https://x/", "r", s_t0)));
        Assert.ThrowsAsync<ArgumentException>(async () => await store.UnblockAsync("shop", ""));
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await store.GetDetectionsAsync(null, null, 0));
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await store.GetAuditAsync(0));
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await store.LeaseDueNotificationsAsync(0, TimeSpan.FromSeconds(1)));
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await store.TakePendingScansAsync(-1));
    }

    [Test]
    public void Health_reports_connected_with_nothing_queued()
    {
        var store = Connect();

        Assert.That(store.Health, Is.EqualTo(new StoreHealth(true, 0, null)));
    }

    private RedisScanProxyStore Connect()
    {
        var store = _server.Connect(_prefix);
        _stores.Add(store);
        return store;
    }

    /// <summary>Blocks a probe URL through <paramref name="publisher"/> until <paramref name="recorder"/> hears it.</summary>
    private static async Task WaitUntilSubscribedAsync(RedisScanProxyStore publisher, ChangeRecorder recorder)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var probe = "probe:" + attempt;
            await publisher.BlockAsync(new BlockRecord("probe", probe, "probe", s_t0));
            try
            {
                await recorder.WaitForAsync(c => c.Url == probe, TimeSpan.FromMilliseconds(100));
                return;
            }
            catch (TimeoutException)
            {
                // Not subscribed yet.
            }
        }

        Assert.Fail("The subscriber never heard the publisher.");
    }

    private static DetectionRecord Detection(string id, string zone, DateTimeOffset detectedAt) => new()
    {
        Id = id,
        Zone = zone,
        Url = $"https://{zone}.example/{id}.jpg",
        FirstServedAt = detectedAt.AddSeconds(-3),
        DetectedAt = detectedAt,
        Sha256 = new string('e', 64),
        Pdq = new string('f', 64),
        Quality = 90,
        List = "known-pdq",
        EntryId = "entry-7",
        Distance = 12,
        Variant = "rot90",
        Action = "Block",
    };

    private static OutboxMessage Notification(string id, DateTimeOffset dueAt) =>
        new(id, "webhook", "https://hooks.example/x", "d1", "{\"id\":\"d1\"}", 0, dueAt);

    private static IEnumerable<string> Ids(IEnumerable<DetectionRecord> detections) => detections.Select(d => d.Id);
}
