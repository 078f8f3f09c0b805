using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ScanProxy.Edge;
using ScanProxy.Scanning;
using ScanProxy.Store;
using ScanProxy.Tests.Tee;

namespace ScanProxy.Tests.Telemetry;

/// <summary>
/// <c>scanproxy.requests</c> through the real proxy pipeline (YARP, blocking, the tee, Hold) on Kestrel in front of a
/// real origin: each request counts once, with the outcome the client saw.
/// </summary>
public sealed class RequestCounterTests
{
    private ImageOrigin _origin = null!;
    private TeeProxy _proxy = null!;
    private RequestCounts _counts = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _origin = await ImageOrigin.StartAsync();
        _proxy = await TeeProxy.StartAsync(_origin.Url);
        _counts = new RequestCounts(_proxy.Meters);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _counts.Dispose();
        await _proxy.DisposeAsync();
        await _origin.DisposeAsync();
    }

    [SetUp]
    public async Task ResetAsync()
    {
        _proxy.Scanner.Reset();
        foreach (var zone in new[] { "async", "hold", "closed", "off" })
        {
            await BlockAsync(zone);
        }

        _counts.Clear();
    }

    [Test]
    public async Task A_forwarded_request_counts_once_as_forwarded()
    {
        var status = await StatusAsync("async.test", "/photo.jpg");

        Assert.That(status, Is.EqualTo(200));
        Assert.That(_counts.Increments, Is.EqualTo(new[] { "async/forwarded" }));
    }

    [Test]
    public async Task A_blocked_url_counts_once_as_blocked()
    {
        await BlockAsync("async", "http://async.test/photo.jpg");

        var status = await StatusAsync("async.test", "/photo.jpg");

        Assert.That(status, Is.EqualTo(451));
        Assert.That(_counts.Increments, Is.EqualTo(new[] { "async/blocked" }));
    }

    [Test]
    public async Task A_held_image_that_matches_counts_once_as_blocked()
    {
        _proxy.Scanner.Judge = RecordingScanService.Match;

        var status = await StatusAsync("hold.test", "/photo.jpg");

        Assert.That(status, Is.EqualTo(451));
        Assert.That(_counts.Increments, Is.EqualTo(new[] { "hold/blocked" }));
    }

    [Test]
    public async Task A_held_image_that_is_clean_counts_once_as_forwarded()
    {
        var status = await StatusAsync("hold.test", "/photo.jpg");

        Assert.That(status, Is.EqualTo(200));
        Assert.That(_counts.Increments, Is.EqualTo(new[] { "hold/forwarded" }));
    }

    [Test]
    public async Task A_held_image_that_cannot_be_judged_in_a_zone_that_fails_closed_counts_once_as_unavailable()
    {
        _proxy.Scanner.Judge = (_, _) => Task.FromResult(new ScanOutcome(ScanResult.Error, "queue-full", Blocked: false));

        var status = await StatusAsync("closed.test", "/photo.jpg");

        Assert.That(status, Is.EqualTo(503));
        Assert.That(_counts.Increments, Is.EqualTo(new[] { "closed/unavailable" }));
    }

    [Test]
    public async Task An_async_zone_request_held_because_its_path_is_blocked_under_another_query_counts_once()
    {
        await BlockAsync("async", "http://async.test/photo.jpg?v=1");
        _proxy.Scanner.Judge = RecordingScanService.Match;

        var status = await StatusAsync("async.test", "/photo.jpg?v=2");

        Assert.That(status, Is.EqualTo(451));
        Assert.That(_counts.Increments, Is.EqualTo(new[] { "async/blocked" }));
    }

    [Test]
    public async Task A_request_for_a_host_of_no_zone_counts_once_as_no_zone()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var counts = new RequestCounts(meters);
        var middleware = new NoZoneMiddleware(_ => Task.CompletedTask, new ScanMetrics(meters));
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.Host = new HostString("nowhere.test");

        await middleware.InvokeAsync(context);

        Assert.That(context.Response.StatusCode, Is.EqualTo(404));
        Assert.That(counts.Increments, Is.EqualTo(new[] { "-/no_zone" }));
    }

    private async Task<int> StatusAsync(string host, string pathAndQuery)
    {
        using var response = await _proxy.SendAsync(HttpMethod.Get, host, pathAndQuery);
        return (int)response.StatusCode;
    }

    private Task<int> BlockAsync(string zone, params string[] urls)
    {
        IReadOnlyList<BlockRecord> blocks = [.. urls.Select(u => new BlockRecord(zone, u, "test", DateTimeOffset.UtcNow))];
        return _proxy.Blocklist.ReloadAsync(zone, _ => Task.FromResult(blocks), CancellationToken.None);
    }
}
