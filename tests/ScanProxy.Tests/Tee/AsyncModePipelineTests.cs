using System.Net;
using System.Net.Http.Headers;
using ScanProxy.Store;

namespace ScanProxy.Tests.Tee;

/// <summary>
/// Async mode through YARP and Kestrel: the client gets the origin's bytes untouched, and the scanner is handed the
/// complete body, or the address to fetch it from, under the canonical URL.
/// </summary>
public sealed class AsyncModePipelineTests
{
    private ImageOrigin _origin = null!;
    private TeeProxy _proxy = null!;
    private ScanCounts _counts = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _origin = await ImageOrigin.StartAsync();
        _proxy = await TeeProxy.StartAsync(_origin.Url);
        _counts = new ScanCounts(_proxy.Meters);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _counts.Dispose();
        await _proxy.DisposeAsync();
        await _origin.DisposeAsync();
    }

    [SetUp]
    public void Reset()
    {
        _proxy.Scanner.Reset();
        _counts.Clear();
    }

    [Test]
    public async Task An_image_is_served_unchanged_and_its_whole_body_is_submitted_under_the_canonical_url()
    {
        using var response = await _proxy.SendAsync(HttpMethod.Get, "Async.Test", "/photo.jpg?b=2&a=1");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(TeeTestData.Jpeg));
        var scan = await SubmittedAsync();
        Assert.That(scan.Zone, Is.EqualTo("async"));
        Assert.That(scan.Url, Is.EqualTo("http://async.test/photo.jpg?a=1&b=2"));
        Assert.That(scan.OriginUrl, Is.EqualTo(new Uri(new Uri(_origin.Url), "/photo.jpg?b=2&a=1")));
        Assert.That(scan.Body, Is.EqualTo(TeeTestData.Jpeg));
        Assert.That(scan.ContentEncoding, Is.Null);
        Assert.That(scan.FirstServedAt, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
        Assert.That(_proxy.Scanner.Judged, Is.Empty);
    }

    [Test]
    public async Task A_jpeg_sent_as_text_plain_is_submitted()
    {
        using var response = await _proxy.SendAsync(HttpMethod.Get, "async.test", "/photo.txt");

        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(TeeTestData.Jpeg));
        Assert.That((await SubmittedAsync()).Body, Is.EqualTo(TeeTestData.Jpeg));
    }

    [Test]
    public async Task A_gzip_encoded_image_is_submitted_encoded_with_its_encoding()
    {
        var encoded = TeeTestData.Gzip(TeeTestData.Jpeg);

        using var response = await _proxy.SendAsync(HttpMethod.Get, "async.test", "/photo.jpg.gz");

        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(encoded));
        var scan = await SubmittedAsync();
        Assert.That(scan.Body, Is.EqualTo(encoded));
        Assert.That(scan.ContentEncoding, Is.EqualTo("gzip"));
    }

    [Test]
    public async Task A_page_is_not_submitted()
    {
        using var response = await _proxy.SendAsync(HttpMethod.Get, "async.test", "/page.html");

        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(TeeTestData.Html));
        Assert.That(await SubmittedBeforeSentinelAsync(), Is.Empty);
    }

    [Test]
    public async Task A_range_request_is_served_as_the_origin_answers_and_the_object_is_left_to_fetch()
    {
        using var response = await _proxy.SendAsync(HttpMethod.Get, "async.test", "/photo.jpg", r => r.Headers.Range = new RangeHeaderValue(100, 199));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(TeeTestData.Jpeg[100..200]));
        var scan = await SubmittedAsync();
        Assert.That(scan.Body, Is.Null);
        Assert.That(scan.OriginUrl, Is.EqualTo(new Uri(new Uri(_origin.Url), "/photo.jpg")));
    }

    [Test]
    public async Task A_head_of_an_image_leaves_the_object_to_fetch()
    {
        using var response = await _proxy.SendAsync(HttpMethod.Head, "async.test", "/photo.jpg");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentLength, Is.EqualTo(TeeTestData.Jpeg.Length));
        Assert.That((await SubmittedAsync()).Body, Is.Null);
    }

    [Test]
    public async Task An_image_over_the_limit_is_served_whole_not_submitted_and_counted_as_skipped()
    {
        using var response = await _proxy.SendAsync(HttpMethod.Get, "async.test", "/big.png");

        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(TeeTestData.Png));
        Assert.That(await SubmittedBeforeSentinelAsync(), Is.Empty);
        Assert.That(_counts.Scans, Is.EqualTo(new[] { ("async", "skipped", "too-large") }));
    }

    [Test]
    public async Task A_zone_without_scanning_submits_nothing()
    {
        using var response = await _proxy.SendAsync(HttpMethod.Get, "off.test", "/photo.jpg");

        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(TeeTestData.Jpeg));
        Assert.That(await SubmittedBeforeSentinelAsync(), Is.Empty);
        Assert.That(_proxy.Scanner.Judged, Is.Empty);
    }

    [Test]
    public async Task A_path_blocked_under_another_query_is_held_for_a_verdict_in_an_async_zone()
    {
        await BlockAsync("async", "http://async.test/photo.jpg?v=1");
        try
        {
            _proxy.Scanner.Judge = RecordingScanService.Match;

            using var response = await _proxy.SendAsync(HttpMethod.Get, "async.test", "/photo.jpg?v=2");

            Assert.That((int)response.StatusCode, Is.EqualTo(451));
            var scan = _proxy.Scanner.Judged.Single();
            Assert.That(scan.Url, Is.EqualTo("http://async.test/photo.jpg?v=2"));
            Assert.That(scan.Body, Is.EqualTo(TeeTestData.Jpeg));
            Assert.That(await SubmittedBeforeSentinelAsync(), Is.Empty);
        }
        finally
        {
            await BlockAsync("async");
        }
    }

    [Test]
    public async Task A_path_blocked_under_another_query_is_released_when_the_object_is_clean()
    {
        await BlockAsync("async", "http://async.test/photo.jpg?v=1");
        try
        {
            using var response = await _proxy.SendAsync(HttpMethod.Get, "async.test", "/photo.jpg?v=3");

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(TeeTestData.Jpeg));
            Assert.That(_proxy.Scanner.Judged, Has.Count.EqualTo(1));
        }
        finally
        {
            await BlockAsync("async");
        }
    }

    [Test]
    public async Task Blockings_hold_decision_does_not_outlive_its_request()
    {
        // Blocking marks a request to hold on the request's features, which Kestrel keeps per connection: the next
        // request on the kept-alive connection, for a path with no block, must be teed, not held.
        await BlockAsync("async", "http://async.test/photo.jpg?v=1");
        try
        {
            using (var held = await _proxy.SendAsync(HttpMethod.Get, "async.test", "/photo.jpg?v=4"))
            {
                Assert.That(held.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            }

            using var teed = await _proxy.SendAsync(HttpMethod.Get, "async.test", "/photo.txt?after-hold");

            Assert.That(await teed.Content.ReadAsByteArrayAsync(), Is.EqualTo(TeeTestData.Jpeg));
            Assert.That((await SubmittedAsync()).Url, Is.EqualTo("http://async.test/photo.txt?after-hold"));
            Assert.That(_proxy.Scanner.Judged.Single().Url, Is.EqualTo("http://async.test/photo.jpg?v=4"));
        }
        finally
        {
            await BlockAsync("async");
        }
    }

    [Test]
    public async Task A_url_judged_clean_is_not_teed_again_while_its_strong_etag_and_the_lists_are_unchanged()
    {
        using (var first = await _proxy.SendAsync(HttpMethod.Get, "async.test", "/tagged.jpg?etag=%22v1%22"))
        {
            Assert.That(first.Headers.ETag?.Tag, Is.EqualTo("\"v1\""));
        }

        var scan = await SubmittedAsync();
        Assert.That(scan.ETag, Is.EqualTo("\"v1\""));

        // What the scanner does with a clean verdict for a body that came with a strong ETag.
        _proxy.KnownObjects.RememberClean(scan.Zone, scan.Url, scan.ETag!, _proxy.ScopeOf("async"), TimeSpan.FromMinutes(1));
        _proxy.Scanner.Reset();

        using (var again = await _proxy.SendAsync(HttpMethod.Get, "async.test", "/tagged.jpg?etag=%22v1%22"))
        {
            Assert.That(await again.Content.ReadAsByteArrayAsync(), Is.EqualTo(TeeTestData.Jpeg));
        }

        // Nor is a HEAD or a Range request of it left for the scanner to fetch.
        using (var head = await _proxy.SendAsync(HttpMethod.Head, "async.test", "/tagged.jpg?etag=%22v1%22"))
        {
            Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using (var range = await _proxy.SendAsync(HttpMethod.Get, "async.test", "/tagged.jpg?etag=%22v1%22", r => r.Headers.Range = new RangeHeaderValue(0, 99)))
        {
            Assert.That(range.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
            Assert.That(await range.Content.ReadAsByteArrayAsync(), Is.EqualTo(TeeTestData.Jpeg[..100]));
        }

        Assert.That(await SubmittedBeforeSentinelAsync(), Is.Empty);

        // The same URL is a different object once the origin's ETag changes (here the query names it, so the URL
        // changes too: remembered under the new URL, the old ETag must still not pass).
        _proxy.KnownObjects.RememberClean(scan.Zone, scan.Url.Replace("v1", "v2", StringComparison.Ordinal), "\"v1\"", _proxy.ScopeOf("async"), TimeSpan.FromMinutes(1));
        _proxy.Scanner.Reset();
        using (await _proxy.SendAsync(HttpMethod.Get, "async.test", "/tagged.jpg?etag=%22v2%22"))
        {
        }

        Assert.That((await SubmittedAsync()).ETag, Is.EqualTo("\"v2\""));
    }

    [Test]
    public async Task A_weak_etag_is_never_taken_as_the_objects_identity()
    {
        using (await _proxy.SendAsync(HttpMethod.Get, "async.test", "/tagged.jpg?etag=W/%22w1%22"))
        {
        }

        var scan = await SubmittedAsync();
        Assert.That(scan.ETag, Is.Null);

        // Even remembered by hand, a weak ETag does not stop the tee.
        _proxy.KnownObjects.RememberClean(scan.Zone, scan.Url, "W/\"w1\"", _proxy.ScopeOf("async"), TimeSpan.FromMinutes(1));
        _proxy.Scanner.Reset();
        using (await _proxy.SendAsync(HttpMethod.Get, "async.test", "/tagged.jpg?etag=W/%22w1%22"))
        {
        }

        Assert.That((await SubmittedAsync()).Body, Is.EqualTo(TeeTestData.Jpeg));
    }

    // The scanner is handed the object after the response is complete, which the client may see first.
    private async Task<RecordedScan> SubmittedAsync()
    {
        for (var waited = 0; _proxy.Scanner.Submitted.Count == 0 && waited < 5000; waited += 10)
        {
            await Task.Delay(10);
        }

        return _proxy.Scanner.Submitted.Single();
    }

    // What was submitted before a request that is certainly submitted, made after the test's request, arrived.
    private async Task<IReadOnlyList<RecordedScan>> SubmittedBeforeSentinelAsync()
    {
        using (var sentinel = await _proxy.SendAsync(HttpMethod.Get, "async.test", "/photo.txt?sentinel"))
        {
            Assert.That(sentinel.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        for (var waited = 0; !_proxy.Scanner.Submitted.Any(IsSentinel) && waited < 5000; waited += 10)
        {
            await Task.Delay(10);
        }

        Assert.That(_proxy.Scanner.Submitted.Any(IsSentinel), Is.True, "The sentinel request was not submitted.");
        return [.. _proxy.Scanner.Submitted.Where(s => !IsSentinel(s))];

        static bool IsSentinel(RecordedScan scan) => scan.Url.EndsWith("?sentinel", StringComparison.Ordinal);
    }

    private Task<int> BlockAsync(string zone, params string[] urls)
    {
        IReadOnlyList<BlockRecord> blocks = [.. urls.Select(u => new BlockRecord(zone, u, "test", DateTimeOffset.UtcNow))];
        return _proxy.Blocklist.ReloadAsync(zone, _ => Task.FromResult(blocks), CancellationToken.None);
    }
}
