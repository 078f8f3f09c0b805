using System.Text.Json.Nodes;
using ScanProxy.EndToEnd.Tests.Infrastructure;

namespace ScanProxy.EndToEnd.Tests;

/// <summary>
/// The config file is watched: a valid change applies without a restart or a dropped connection, an invalid one is
/// logged with its field and the last good configuration keeps serving (SPEC §3). The steps build on each other.
/// </summary>
public sealed class ConfigurationReloadTests
{
    private static readonly TimeSpan s_reload = TimeSpan.FromSeconds(10);

    private TestOrigin _origin = null!;
    private TestOrigin _otherOrigin = null!;
    private ProxyProcess _proxy = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _origin = await TestOrigin.StartAsync();
        _otherOrigin = await TestOrigin.StartAsync();
        _proxy = await ProxyProcess.StartAsync(Configuration(("shop", "shop.example", _origin.Url)));
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
        await _otherOrigin.DisposeAsync();
    }

    [Test]
    [Order(1)]
    public async Task A_zone_added_to_the_file_is_served_without_a_restart_or_a_dropped_connection()
    {
        var gate = Guid.NewGuid().ToString("N");
        using var inFlight = await _proxy.GetAsync("shop.example", $"/gate/{gate}", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await inFlight.Content.ReadAsStreamAsync();
        var first = await stream.ReadAtLeastAsync(new byte[TestOrigin.GateChunk], TestOrigin.GateChunk).AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        await _proxy.WriteConfigAsync(Configuration(("shop", "shop.example", _origin.Url), ("blog", "blog.example", _otherOrigin.Url)));

        await Eventually.TrueAsync(async () => await _proxy.StatusAsync("blog.example", "/added") == 200, s_reload, "the added zone to be served");
        Assert.That(_otherOrigin.CountRequests("/added"), Is.GreaterThan(0));
        _origin.OpenGate(gate);
        var rest = await stream.ReadAtLeastAsync(new byte[TestOrigin.GateChunk], TestOrigin.GateChunk).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(first + rest, Is.EqualTo(2 * TestOrigin.GateChunk), "the response in flight during the reload completed");
        Assert.That(await _proxy.StatusAsync("shop.example", "/still-served"), Is.EqualTo(200));
    }

    [Test]
    [Order(2)]
    public async Task An_invalid_change_is_logged_with_its_field_and_the_last_good_zones_keep_serving()
    {
        await _proxy.WriteConfigAsync(Configuration(
            ("shop", "shop.example", _origin.Url),
            ("blog", "blog.example", "not a url"),
            ("news", "news.example", _origin.Url)));

        await _proxy.WaitForOutputAsync("ScanProxy:Zones:blog:Origins:0", s_reload);
        Assert.That(await _proxy.StatusAsync("shop.example", "/after-invalid"), Is.EqualTo(200));
        Assert.That(await _proxy.StatusAsync("blog.example", "/after-invalid"), Is.EqualTo(200));
        Assert.That(_otherOrigin.CountRequests("/after-invalid"), Is.EqualTo(1), "blog still goes to its last good origin");
        Assert.That(await _proxy.StatusAsync("news.example", "/after-invalid"), Is.EqualTo(404), "nothing of the invalid change applies");
    }

    [Test]
    [Order(3)]
    public async Task A_file_that_is_not_json_is_logged_and_the_last_good_zones_keep_serving()
    {
        await _proxy.WriteConfigTextAsync("{ \"ScanProxy\": { \"Zones\": ");

        await _proxy.WaitForOutputAsync("was not applied", s_reload);
        Assert.That(await _proxy.StatusAsync("shop.example", "/after-bad-json"), Is.EqualTo(200));
        Assert.That(await _proxy.StatusAsync("blog.example", "/after-bad-json"), Is.EqualTo(200));
    }

    [Test]
    [Order(4)]
    public async Task After_rejected_changes_a_valid_one_applies_and_a_removed_zone_stops_being_served()
    {
        await _proxy.WriteConfigAsync(Configuration(("shop", "shop.example", _origin.Url)));

        await Eventually.TrueAsync(async () => await _proxy.StatusAsync("blog.example", "/removed") == 404, s_reload, "the removed zone to stop being served");
        Assert.That(await _proxy.StatusAsync("shop.example", "/after-removal"), Is.EqualTo(200));
    }

    private static JsonObject Configuration(params (string Name, string Host, string Origin)[] zones)
    {
        var zonesObject = new JsonObject();
        foreach (var (name, host, origin) in zones)
        {
            zonesObject[name] = new JsonObject { ["Hosts"] = new JsonArray(host), ["Origins"] = new JsonArray(origin) };
        }

        return new JsonObject { ["ScanProxy"] = new JsonObject { ["Zones"] = zonesObject } };
    }
}
