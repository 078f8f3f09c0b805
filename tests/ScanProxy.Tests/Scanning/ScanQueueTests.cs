using System.Net;
using System.Net.Sockets;
using ScanProxy.Scanning;
using ScanProxy.Store;

namespace ScanProxy.Tests.Scanning;

/// <summary>The queue, the workers, deferral to the store and the Hold lane of <see cref="ScanService"/>.</summary>
public sealed class ScanQueueTests : ScannerTestBase
{
    [TestCase(0, 1, 1)]
    [TestCase(0, 2, 1)]
    [TestCase(0, 8, 7)]
    [TestCase(3, 8, 3)]
    [TestCase(12, 2, 12)]
    public void Zero_workers_means_one_per_core_less_one_and_at_least_one(int configured, int cores, int expected) =>
        Assert.That(ScanService.ChooseWorkers(configured, cores), Is.EqualTo(expected));

    [Test]
    public async Task A_submitted_object_is_scanned_in_the_background()
    {
        var node = await StartNodeAsync();

        var admission = node.Scanner.Submit(ScannerNode.Request("http://shop.example/async.jpg", TestImages.Listed[0].Bytes));

        Assert.That(admission, Is.EqualTo(ScanAdmission.Queued));
        await Eventually.TrueAsync(async () => (await node.Store.GetBlocksAsync(Zone)).Count == 1, "the URL to be blocked");
    }

    [Test]
    public async Task When_the_queue_is_full_objects_are_deferred_to_the_store_and_each_is_fetched_later()
    {
        Settings["ScanProxy:Scanner:Workers"] = "1";
        Settings["ScanProxy:Scanner:QueueCapacity"] = "1";
        var node = await StartNodeAsync();
        const int objects = 12;

        var admissions = new List<ScanAdmission>();
        for (var i = 0; i < objects; i++)
        {
            admissions.Add(node.Scanner.Submit(ScannerNode.Request($"http://shop.example/burst/{i}.jpg", TestImages.Distinct[i % 4].Bytes)));
        }

        // The deferred objects come back without a body and are fetched from the zone's origin, where nothing listens.
        var deferred = admissions.Count(a => a == ScanAdmission.Deferred);
        await Eventually.TrueAsync(() => node.Counts.Scans("error", ScanReasons.FetchFailed) == deferred, "every deferred object to be fetched");
        Assert.Multiple(() =>
        {
            Assert.That(deferred, Is.GreaterThan(0));
            Assert.That(node.Counts.Deferred, Is.EqualTo(deferred));
            Assert.That(node.Counts.Scans("clean", ScanReasons.Scanned) + node.Counts.Scans("clean", ScanReasons.KnownDigest), Is.EqualTo(objects - deferred));
        });
    }

    [Test]
    public async Task Stopping_remembers_every_object_still_queued()
    {
        Settings["ScanProxy:Scanner:Workers"] = "1";
        var prefix = Settings["ScanProxy:Store:KeyPrefix"]!;
        var node = await StartNodeAsync();
        const int objects = 30;
        for (var i = 0; i < objects; i++)
        {
            node.Scanner.Submit(ScannerNode.Request($"http://shop.example/queued/{i}.jpg", TestImages.Distinct[i % 4].Bytes));
        }

        await node.DisposeAsync();

        using var store = RedisScanProxyStore.Connect(ScanningRedis.Configuration, prefix, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeProvider.System);
        var pending = await store.TakePendingScansAsync(100);
        var scanned = node.Counts.Scans("clean", ScanReasons.Scanned) + node.Counts.Scans("clean", ScanReasons.KnownDigest);
        Assert.Multiple(() =>
        {
            Assert.That(pending, Has.Count.EqualTo(objects - scanned));
            Assert.That(pending.Select(p => p.Zone), Is.All.EqualTo(Zone));
        });
    }

    [Test]
    public async Task An_object_whose_lists_have_not_loaded_is_not_judged_but_remembered()
    {
        Settings[$"ScanProxy:HashLists:{PdqList}:Path"] = "missing.csv";
        var node = await StartNodeAsync(waitForLists: false);
        await Eventually.TrueAsync(() => node.Catalog.GetStatus().Single(s => s.Name == PdqList).LastError is not null, "the missing list's error");

        var outcome = await node.ScanAsync("http://shop.example/early.jpg", TestImages.Listed[0].Bytes);

        var pending = await node.Store.TakePendingScansAsync(10);
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(new ScanOutcome(ScanResult.Error, ScanReasons.ListsNotLoaded, Blocked: false)));
            Assert.That(pending.Single().Url, Is.EqualTo("http://shop.example/early.jpg"));
            Assert.That(node.Catalog.IsReady, Is.False);
        });
    }

    [Test]
    public async Task A_hold_scan_of_an_origin_that_never_answers_ends_in_a_timeout()
    {
        Settings["ScanProxy:Scanner:Timeout"] = "00:00:00.300";
        var node = await StartNodeAsync();
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var request = new ScanRequest
        {
            Zone = Zone,
            Url = "http://shop.example/slow.jpg",
            OriginUrl = new Uri($"http://127.0.0.1:{port}/slow.jpg"),
            FirstServedAt = DateTimeOffset.UtcNow,
        };

        var outcome = await node.Scanner.ScanNowAsync(request, CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(new ScanOutcome(ScanResult.Error, ScanReasons.Timeout, Blocked: false)));
        await Eventually.TrueAsync(() => node.Counts.Scans("error", ScanReasons.Timeout) == 1, "the worker's scan to time out as well");
    }
}
