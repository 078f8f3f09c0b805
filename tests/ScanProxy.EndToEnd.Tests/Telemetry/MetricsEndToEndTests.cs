using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ScanProxy.EndToEnd.Tests.Infrastructure;
using ScanProxy.EndToEnd.Tests.Scanning;
using ScanProxy.Testing;
using ScanProxy.Tests.Scanning;

namespace ScanProxy.EndToEnd.Tests.Telemetry;

/// <summary>
/// GET /metrics on the real process (SPEC §9, metrics contract): a redis-server, a photo origin and a proxy with an
/// Async zone and a Hold zone on the same PDQ list, one scan worker and a queue of one (so that a burst of photos
/// overflows it and is scanned later from the store), and a webhook that the origin refuses. The tests share the proxy
/// and keep apart by paths of their own; they run one after another, as the request counts they compare are global.
/// </summary>
public sealed class MetricsEndToEndTests
{
    private const string ApiKey = "e2e-telemetry-key";
    private const string AsyncHost = "shop.example";
    private const string HoldHost = "held.example";
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(20);

    private RedisServer _redis = null!;
    private PhotoOrigin _origin = null!;
    private ProxyProcess _proxy = null!;
    private string _lists = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _redis = RedisServer.StartNew();
        _origin = await PhotoOrigin.StartAsync();
        _lists = Directory.CreateTempSubdirectory("scanproxy-e2e-telemetry-").FullName;
        var pdqList = Path.Combine(_lists, "known-pdq.csv");
        await File.WriteAllLinesAsync(pdqList, ["pdq,id", .. TestImages.Listed.Select(TestImages.PdqLine)]);
        _proxy = await ProxyProcess.StartAsync(Configuration(pdqList, metrics: true));
        _proxy.AdminClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        await Eventually.TrueAsync(async () => (await _proxy.AdminClient.GetAsync("/readyz")).IsSuccessStatusCode, s_patience, "the proxy to be ready");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0)
        {
            await TestContext.Out.WriteLineAsync(_proxy.Output);
        }

        await _proxy.DisposeAsync();
        await _origin.DisposeAsync();
        _redis.Dispose();
        Directory.Delete(_lists, recursive: true);
    }

    [Test]
    public async Task Metrics_on_the_admin_port_carry_every_series_of_the_contract_after_a_detection()
    {
        _origin.Serve("/contract/listed.jpg", TestImages.Listed[0].Bytes);
        _origin.Serve("/contract/clean.jpg", TestImages.Distinct[0].Bytes);
        Assert.That(await _proxy.StatusAsync(AsyncHost, "/contract/clean.jpg"), Is.EqualTo(200));
        Assert.That(await _proxy.StatusAsync(AsyncHost, "/contract/listed.jpg"), Is.EqualTo(200));
        await Eventually.TrueAsync(async () => await _proxy.StatusAsync(AsyncHost, "/contract/listed.jpg") == 451, s_patience, "the listed photo to be blocked");
        Assert.That(await _proxy.StatusAsync("nowhere.example", "/"), Is.EqualTo(404));

        // A burst the queue of one cannot take: some are deferred, then fetched from the origin and scanned.
        var burst = TestImages.Distinct.Skip(1).ToList();
        foreach (var photo in burst)
        {
            _origin.Serve($"/contract/burst/{photo.Id}.jpg", photo.Bytes);
        }

        var statuses = await Task.WhenAll(burst.Select(photo => _proxy.StatusAsync(AsyncHost, $"/contract/burst/{photo.Id}.jpg")));
        Assert.That(statuses, Is.All.EqualTo(200));

        // The detection's webhook goes to the origin, which has no such path: a retried delivery. The clean photo is
        // scanned in the background, and the exporter caches a scrape for a moment: wait until everything shows.
        var metrics = await EventuallyScrapeAsync(m => s_contract.All(series => m.Find(series.Name, series.Labels).Any()));
        await TestContext.Out.WriteLineAsync(metrics.Text);

        Assert.Multiple(() =>
        {
            foreach (var (name, labels) in s_contract)
            {
                Assert.That(metrics.Find(name, labels), Is.Not.Empty, $"{name} with {string.Join(", ", labels.Select(l => $"{l.Name}={l.Value}"))}");
            }
        });
        Assert.That(metrics.ValueOrZero("scanproxy_store_up"), Is.EqualTo(1));
        Assert.That(metrics.ValueOrZero("scanproxy_scan_queue_capacity"), Is.EqualTo(2 * 1));
        Assert.That(metrics.ValueOrZero("scanproxy_hashlist_entries", ("list", "known-pdq")), Is.EqualTo(TestImages.Listed.Count));
        Assert.That(metrics.ValueOrZero("scanproxy_hashlist_load_failed", ("list", "known-pdq")), Is.EqualTo(0));
        Assert.That(metrics.Text, Does.Not.Contain("/contract/"), "no URL in a label");
        Assert.That(metrics.Text, Does.Not.Contain("aspnetcore_memory_pool_"), "Kestrel's memory pool is left out (its cost per request)");
    }

    [Test]
    public async Task Blocked_requests_rise_by_exactly_the_number_of_451s_answered_in_both_modes()
    {
        _origin.Serve("/count/listed.jpg", TestImages.Listed[1].Bytes);
        _origin.Serve("/count/held.jpg", TestImages.Listed[2].Bytes);
        Assert.That(await _proxy.StatusAsync(AsyncHost, "/count/listed.jpg"), Is.EqualTo(200));
        await Eventually.TrueAsync(async () => await _proxy.StatusAsync(AsyncHost, "/count/listed.jpg") == 451, s_patience, "the listed photo to be blocked");

        var before = await ScrapeAsync();
        var answered = new List<int>();
        for (var i = 0; i < 7; i++)
        {
            answered.Add(await _proxy.StatusAsync(AsyncHost, "/count/listed.jpg"));
        }

        // Hold mode: the first request of a listed photo is held, matched and answered 451 by the Hold step.
        answered.Add(await _proxy.StatusAsync(HoldHost, "/count/held.jpg"));
        answered.Add(await _proxy.StatusAsync(HoldHost, "/count/held.jpg"));
        answered.Add(await _proxy.StatusAsync(AsyncHost, "/count/elsewhere.jpg"));
        var blocked = answered.Count(status => status == 451);
        var expectedShop = before.ValueOrZero("scanproxy_requests_total", ("zone", "shop"), ("outcome", "blocked")) + 7;
        var expectedHeld = before.ValueOrZero("scanproxy_requests_total", ("zone", "held"), ("outcome", "blocked")) + 2;

        var after = await EventuallyScrapeAsync(m =>
            m.ValueOrZero("scanproxy_requests_total", ("zone", "shop"), ("outcome", "blocked")) >= expectedShop
            && m.ValueOrZero("scanproxy_requests_total", ("zone", "held"), ("outcome", "blocked")) >= expectedHeld);
        Assert.That(blocked, Is.EqualTo(9));
        Assert.That(
            SumOf(after, "blocked") - SumOf(before, "blocked"),
            Is.EqualTo(blocked));
        Assert.That(
            after.ValueOrZero("scanproxy_requests_total", ("zone", "shop"), ("outcome", "forwarded"))
            - before.ValueOrZero("scanproxy_requests_total", ("zone", "shop"), ("outcome", "forwarded")),
            Is.EqualTo(1));
    }

    [Test]
    public async Task Metrics_on_the_edge_port_is_the_sites_path_not_the_metrics_endpoint()
    {
        _origin.Serve("/metrics", Encoding.UTF8.GetBytes("the site's own page"), "text/plain");
        using var site = await _proxy.GetAsync(AsyncHost, "/metrics");
        using var noZone = await _proxy.GetAsync("nowhere.example", "/metrics");

        Assert.That(await site.Content.ReadAsStringAsync(), Is.EqualTo("the site's own page"));
        Assert.That((int)noZone.StatusCode, Is.EqualTo(404));
        Assert.That(await noZone.Content.ReadAsStringAsync(), Does.Not.Contain("scanproxy_"));
    }

    [Test]
    public async Task Metrics_switched_off_answer_404_on_the_admin_port()
    {
        var pdqList = Path.Combine(_lists, "known-pdq.csv");
        await using var off = await ProxyProcess.StartAsync(Configuration(pdqList, metrics: false));
        using var response = await off.AdminClient.GetAsync("/metrics");
        using var health = await off.AdminClient.GetAsync("/healthz");

        Assert.That((int)response.StatusCode, Is.EqualTo(404));
        Assert.That((int)health.StatusCode, Is.EqualTo(200));
    }

    // Every series of the metrics contract, with the labels this fixture's requests must have given it.
    private static readonly (string Name, (string Name, string Value)[] Labels)[] s_contract =
    [
        ("scanproxy_requests_total", [("zone", "shop"), ("outcome", "forwarded")]),
        ("scanproxy_requests_total", [("zone", "shop"), ("outcome", "blocked")]),
        ("scanproxy_requests_total", [("outcome", "no_zone")]),
        ("scanproxy_scans_total", [("zone", "shop"), ("result", "clean"), ("reason", "scanned")]),
        ("scanproxy_scans_total", [("zone", "shop"), ("result", "match"), ("reason", "pdq")]),
        ("scanproxy_scan_duration_seconds_bucket", [("stage", "fetch")]),
        ("scanproxy_scan_duration_seconds_bucket", [("stage", "digest")]),
        ("scanproxy_scan_duration_seconds_bucket", [("stage", "decode")]),
        ("scanproxy_scan_duration_seconds_bucket", [("stage", "hash")]),
        ("scanproxy_scan_duration_seconds_bucket", [("stage", "match")]),
        ("scanproxy_scan_duration_seconds_sum", [("stage", "hash")]),
        ("scanproxy_scan_duration_seconds_count", [("stage", "hash")]),
        ("scanproxy_scan_queue_depth", []),
        ("scanproxy_scan_queue_capacity", []),
        ("scanproxy_scans_deferred_total", [("zone", "shop"), ("reason", "queue-full")]),
        ("scanproxy_detections_total", [("zone", "shop"), ("list", "known-pdq")]),
        ("scanproxy_block_delay_seconds_bucket", [("zone", "shop")]),
        ("scanproxy_block_delay_seconds_sum", [("zone", "shop")]),
        ("scanproxy_block_delay_seconds_count", [("zone", "shop")]),
        ("scanproxy_blocklist_urls", [("zone", "shop")]),
        ("scanproxy_blocklist_urls", [("zone", "held")]),
        ("scanproxy_hashlist_entries", [("list", "known-pdq"), ("kind", "pdq")]),
        ("scanproxy_hashlist_age_seconds", [("list", "known-pdq")]),
        ("scanproxy_hashlist_load_failed", [("list", "known-pdq")]),
        ("scanproxy_store_up", []),
        ("scanproxy_store_backlog", []),
        ("scanproxy_notifications_total", [("channel", "webhook"), ("result", "retried")]),
        ("http_server_request_duration_seconds_count", []),
        ("http_client_request_duration_seconds_count", []),
    ];

    private static double SumOf(PrometheusText metrics, string outcome) =>
        metrics.Find("scanproxy_requests_total", ("outcome", outcome)).Sum(s => s.Value);

    private async Task<PrometheusText> ScrapeAsync()
    {
        using var response = await _proxy.AdminClient.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    // The exporter caches a scrape for a moment: poll until what the test caused shows.
    private async Task<PrometheusText> EventuallyScrapeAsync(Func<PrometheusText, bool> condition)
    {
        PrometheusText? last = null;
        await Eventually.TrueAsync(async () => condition(last = await ScrapeAsync()), s_patience, "the metrics to show what was done", TimeSpan.FromMilliseconds(200));
        return last!;
    }

    private JsonObject Configuration(string pdqList, bool metrics) => new()
    {
        ["ScanProxy"] = new JsonObject
        {
            ["Telemetry"] = new JsonObject { ["Metrics"] = metrics },
            ["Store"] = new JsonObject { ["Redis"] = _redis.Configuration, ["KeyPrefix"] = $"e2e-{Guid.NewGuid():N}:" },
            ["Admin"] = new JsonObject { ["ApiKeys"] = new JsonArray(ApiKey) },
            ["HashLists"] = new JsonObject { ["known-pdq"] = new JsonObject { ["Path"] = pdqList, ["Kind"] = "Pdq" } },
            ["Scanner"] = new JsonObject { ["Workers"] = 1, ["QueueCapacity"] = 1, ["Timeout"] = "00:00:05" },
            ["Zones"] = new JsonObject
            {
                ["shop"] = new JsonObject
                {
                    ["Hosts"] = new JsonArray(AsyncHost),
                    ["Origins"] = new JsonArray(_origin.Url),
                    ["HashLists"] = new JsonArray("known-pdq"),
                    ["Notify"] = new JsonObject
                    {
                        ["Webhooks"] = new JsonArray(new JsonObject { ["Url"] = $"{_origin.Url}/hook", ["Secret"] = "e2e-secret" }),
                    },
                },
                ["held"] = new JsonObject
                {
                    ["Hosts"] = new JsonArray(HoldHost),
                    ["Origins"] = new JsonArray(_origin.Url),
                    ["HashLists"] = new JsonArray("known-pdq"),
                    ["Mode"] = "Hold",
                },
            },
        },
    };
}
