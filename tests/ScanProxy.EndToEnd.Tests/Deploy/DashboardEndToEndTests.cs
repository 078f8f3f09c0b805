using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ScanProxy.EndToEnd.Tests.Infrastructure;
using ScanProxy.EndToEnd.Tests.Scanning;
using ScanProxy.Testing;
using ScanProxy.Tests.Scanning;

namespace ScanProxy.EndToEnd.Tests.Deploy;

/// <summary>
/// The dashboard proof: a real Prometheus scrapes a real scanproxy (redis-server, an origin) while it serves, scans,
/// detects, defers (a one-slot queue) and blocks, and evaluates deploy/prometheus/rules.yml; then every PromQL expression
/// of deploy/grafana's dashboard is asked of that Prometheus as Grafana would ask it, and every alert rule is checked.
/// </summary>
public sealed partial class DashboardEndToEndTests
{
    private static readonly TimeSpan s_scrapeWait = TimeSpan.FromSeconds(20);

    // Grafana's values for its built-in variables, chosen to cover everything the test did (a minute at most).
    private static readonly Dictionary<string, string> s_variables = new()
    {
        ["zone"] = ScanningProxy.Zone,
        ["__rate_interval"] = "1m",
        ["__interval"] = "15s",
        ["__range"] = "5m",
    };

    private RedisServer _redis = null!;
    private PhotoOrigin _origin = null!;
    private ScanningProxy _proxy = null!;
    private PrometheusServer _prometheus = null!;
    private JsonNode _dashboard = null!;
    private int _blockedSeen;
    private double _blockedBefore;

    [OneTimeSetUp]
    public async Task ServeScanAndBlockWhilePrometheusScrapesAsync()
    {
        _dashboard = DeployFiles.ReadJson("grafana/dashboards/scanproxy.json");
        _redis = RedisServer.StartNew();
        _origin = await PhotoOrigin.StartAsync();
        // One worker and a one-slot queue: a burst of images overflows it, so deferrals are counted too.
        _proxy = await ScanningProxy.StartAsync(_redis.Configuration, _origin.Url, new JsonObject { ["Workers"] = 1, ["QueueCapacity"] = 1 }, md5Lines: null, withPdqFile: true);
        _prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{_proxy.Process.AdminPort}", DeployFiles.PathOf(Path.Combine("prometheus", "rules.yml")));
        await _proxy.WaitUntilReadyAsync();
        // Prometheus applies its targets a few seconds after it is ready: the first scrape comes before the traffic.
        await WaitForScrapeAfterAsync(DateTimeOffset.UtcNow);
        _blockedBefore = await BlockedCounterAsync() ?? 0;

        var paths = new List<string>();
        foreach (var photo in TestImages.Listed)
        {
            foreach (var (edit, bytes) in new[] { ("three-quarters", PhotoEdits.Resized(photo.Bytes, 0.75)), ("q30", PhotoEdits.Recompressed(photo.Bytes, 30)), ("mirrored", PhotoEdits.Mirrored(photo.Bytes)) })
            {
                var path = $"/dashboard/{photo.Id}-{edit}.jpg";
                _origin.Serve(path, bytes);
                paths.Add(path);
            }
        }

        var served = await Task.WhenAll(paths.Select(_proxy.StatusAsync));
        Assert.That(served, Is.All.EqualTo(200));
        Assert.That(await _proxy.Process.StatusAsync("no-zone.example", "/"), Is.EqualTo(404));

        foreach (var path in paths)
        {
            await Eventually.TrueAsync(async () => await CountBlockedAsync(path) == 451, ScanningProxy.Patience, $"{path} to be blocked", TimeSpan.FromMilliseconds(100));
            await CountBlockedAsync(path);
        }

        // Every request above was answered before this instant. A scrape's samples carry the time it started: after
        // two scrapes that started later, Prometheus has every increment, and every series that appeared during the
        // traffic has at least two samples (rate() needs two).
        var first = await WaitForScrapeAfterAsync(DateTimeOffset.UtcNow);
        await WaitForScrapeAfterAsync(first);
    }

    [OneTimeTearDown]
    public async Task StopEverythingAsync()
    {
        if (_prometheus is not null)
        {
            if (TestContext.CurrentContext.Result.FailCount > 0)
            {
                await TestContext.Out.WriteLineAsync(_prometheus.Output);
            }

            await _prometheus.DisposeAsync();
        }

        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        if (_origin is not null)
        {
            await _origin.DisposeAsync();
        }

        _redis?.Dispose();
    }

    [Test]
    public async Task Prometheus_scrapes_the_admin_listener_metrics()
    {
        Assert.That(await _prometheus.ScalarAsync("up{job=\"scanproxy\"}"), Is.EqualTo(1.0));
    }

    [Test]
    public async Task Every_dashboard_expression_returns_at_least_one_series()
    {
        var expressions = DashboardQueries.Expressions(_dashboard);
        var failures = new List<string>();
        foreach (var (path, expression) in expressions)
        {
            var filled = DashboardQueries.Fill(expression, s_variables);
            var (result, error) = await _prometheus.QueryAsync(filled);
            if (error is not null || result!.Count == 0)
            {
                failures.Add($"{path}: {filled} -> {error ?? "no series"}");
            }
        }

        Assert.That(expressions, Has.Count.GreaterThanOrEqualTo(20));
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public async Task Every_templating_query_offers_the_zone_that_served()
    {
        var queries = DashboardQueries.TemplatingQueries(_dashboard);
        var failures = new List<string>();
        foreach (var (variable, expression, label) in queries)
        {
            var filled = DashboardQueries.Fill(expression, s_variables);
            var (result, error) = await _prometheus.QueryAsync(filled);
            var values = result?.Select(r => (string?)r!["metric"]![label ?? "zone"]).ToList() ?? [];
            if (error is not null || !values.Contains(ScanningProxy.Zone))
            {
                failures.Add($"${variable}: {filled} -> {error ?? $"values [{string.Join(", ", values)}]"}");
            }
        }

        Assert.That(queries.Select(q => q.Variable), Does.Contain("zone"));
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public async Task The_blocked_request_counter_rose_by_the_number_of_451s_the_client_saw()
    {
        var blocked = await BlockedCounterAsync();

        Assert.That(_blockedSeen, Is.GreaterThan(0));
        Assert.That(blocked - _blockedBefore, Is.EqualTo((double)_blockedSeen));
    }

    [Test]
    public async Task Every_metric_the_alert_rules_name_is_scraped()
    {
        var rules = DeployFiles.ReadYaml("prometheus/rules.yml")["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray());
        var names = rules.SelectMany(r => MetricName().Matches((string)r!["expr"]!).Select(m => m.Value)).Distinct().ToList();
        var missing = new List<string>();
        foreach (var name in names)
        {
            var (result, error) = await _prometheus.QueryAsync($"count({{__name__=\"{name}\"}})");
            if (error is not null || result!.Count == 0)
            {
                missing.Add(name);
            }
        }

        Assert.That(names, Has.Count.GreaterThanOrEqualTo(6));
        Assert.That(missing, Is.Empty);
    }

    [Test]
    public async Task Every_alert_rule_evaluates_without_error_on_the_scraped_metrics()
    {
        // Rules evaluate every second; each has been evaluated at least once when none is "unknown".
        var rules = new List<JsonNode>();
        await Eventually.TrueAsync(
            async () =>
            {
                var body = JsonNode.Parse(await _prometheus.Client.GetStringAsync("/api/v1/rules"))!;
                rules = [.. body["data"]!["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).Select(r => r!)];
                return rules.Count > 0 && rules.All(r => (string?)r["health"] != "unknown");
            },
            s_scrapeWait,
            "Prometheus to evaluate every alert rule",
            TimeSpan.FromMilliseconds(200));
        var failing = rules.Where(r => (string?)r["health"] != "ok").Select(r => $"{r["name"]}: {r["lastError"]}").ToList();

        Assert.That(rules, Has.Count.EqualTo(DeployFiles.ReadYaml("prometheus/rules.yml")["groups"]!.AsArray().Sum(g => g!["rules"]!.AsArray().Count)));
        Assert.That(failing, Is.Empty);
    }

    /// <summary>Waits for a scrape of the proxy that started after <paramref name="instant"/>; returns its time.</summary>
    private async Task<DateTimeOffset> WaitForScrapeAfterAsync(DateTimeOffset instant)
    {
        var scraped = DateTimeOffset.MinValue;
        await Eventually.TrueAsync(
            async () =>
            {
                var seconds = await _prometheus.ScalarAsync("timestamp(up{job=\"scanproxy\"})");
                scraped = seconds is null ? DateTimeOffset.MinValue : DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds.Value * 1000));
                return scraped > instant;
            },
            s_scrapeWait,
            $"Prometheus to scrape the proxy after {instant:HH:mm:ss.fff}",
            TimeSpan.FromMilliseconds(200));
        return scraped;
    }

    private Task<double?> BlockedCounterAsync() =>
        _prometheus.ScalarAsync($"sum(scanproxy_requests_total{{outcome=\"blocked\", zone=\"{ScanningProxy.Zone}\"}})");

    private async Task<int> CountBlockedAsync(string path)
    {
        var status = await _proxy.StatusAsync(path);
        if (status == 451)
        {
            _blockedSeen++;
        }

        return status;
    }

    [GeneratedRegex(@"\bscanproxy_[a-z_]+\b")]
    private static partial Regex MetricName();
}
