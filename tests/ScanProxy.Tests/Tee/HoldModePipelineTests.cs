using System.Net;
using System.Net.Http.Headers;
using ScanProxy.Scanning;

namespace ScanProxy.Tests.Tee;

/// <summary>
/// Hold mode through YARP and Kestrel: an image reaches the client only after a clean verdict, byte for byte; a
/// match gets the block status on the first request; what cannot be judged follows the zone's HoldFailure.
/// </summary>
public sealed class HoldModePipelineTests
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
    public async Task A_clean_image_is_judged_whole_and_released_byte_for_byte()
    {
        using var response = await _proxy.SendAsync(HttpMethod.Get, "hold.test", "/photo.jpg");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("image/jpeg"));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(TeeTestData.Jpeg));
        var scan = _proxy.Scanner.Judged.Single();
        Assert.That(scan.Url, Is.EqualTo("http://hold.test/photo.jpg"));
        Assert.That(scan.Body, Is.EqualTo(TeeTestData.Jpeg));
        Assert.That(_proxy.Scanner.Submitted, Is.Empty);
    }

    [Test]
    public async Task Nothing_reaches_the_client_before_the_verdict()
    {
        var verdict = new TaskCompletionSource<ScanOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        _proxy.Scanner.Judge = (_, _) => verdict.Task;

        var sending = _proxy.SendAsync(HttpMethod.Get, "hold.test", "/photo.jpg", completion: HttpCompletionOption.ResponseHeadersRead);
        await WaitUntilAsync(() => _proxy.Scanner.Judged.Count == 1);
        await Task.Delay(200);

        Assert.That(sending.IsCompleted, Is.False, "Headers reached the client before the verdict.");
        verdict.SetResult(new ScanOutcome(ScanResult.Clean, "pdq", Blocked: false));
        using var response = await sending;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(TeeTestData.Jpeg));
    }

    [Test]
    public async Task A_matching_image_gets_the_block_status_on_the_first_request()
    {
        _proxy.Scanner.Judge = RecordingScanService.Match;

        using var response = await _proxy.SendAsync(HttpMethod.Get, "hold.test", "/photo.jpg");

        Assert.That((int)response.StatusCode, Is.EqualTo(451));
        Assert.That(response.Headers.CacheControl!.NoStore, Is.True);
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/html"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("unavailable for legal reasons"));
    }

    [Test]
    public async Task A_match_answers_with_the_zones_own_block_status()
    {
        _proxy.Scanner.Judge = RecordingScanService.Match;

        using var response = await _proxy.SendAsync(HttpMethod.Get, "closed.test", "/photo.jpg");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Gone));
    }

    [Test]
    public async Task A_match_that_does_not_block_is_released()
    {
        // LogOnly zones, or a digest reviewed as allowed: the scanner reports the match without a block.
        _proxy.Scanner.Judge = (_, _) => Task.FromResult(new ScanOutcome(ScanResult.Match, "pdq", Blocked: false, "detection-2"));

        using var response = await _proxy.SendAsync(HttpMethod.Get, "hold.test", "/photo.jpg");

        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(TeeTestData.Jpeg));
    }

    [Test]
    public async Task A_page_streams_through_without_a_verdict()
    {
        using var response = await _proxy.SendAsync(HttpMethod.Get, "hold.test", "/page.html");

        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(TeeTestData.Html));
        Assert.That(_proxy.Scanner.Judged, Is.Empty);
    }

    [Test]
    public async Task A_jpeg_sent_as_text_plain_is_held_for_a_verdict()
    {
        _proxy.Scanner.Judge = RecordingScanService.Match;

        using var response = await _proxy.SendAsync(HttpMethod.Get, "hold.test", "/photo.txt");

        Assert.That((int)response.StatusCode, Is.EqualTo(451));
    }

    [Test]
    public async Task A_gzip_encoded_image_is_judged_with_its_encoding_and_released_encoded()
    {
        var encoded = TeeTestData.Gzip(TeeTestData.Jpeg);

        using var response = await _proxy.SendAsync(HttpMethod.Get, "hold.test", "/photo.jpg.gz");

        Assert.That(response.Content.Headers.ContentEncoding.Single(), Is.EqualTo("gzip"));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(encoded));
        var scan = _proxy.Scanner.Judged.Single();
        Assert.That(scan.Body, Is.EqualTo(encoded));
        Assert.That(scan.ContentEncoding, Is.EqualTo("gzip"));
    }

    [TestCase("hold.test", HttpStatusCode.OK)]
    [TestCase("closed.test", HttpStatusCode.ServiceUnavailable)]
    public async Task A_scan_error_follows_the_zones_hold_failure(string host, HttpStatusCode expected)
    {
        _proxy.Scanner.Judge = (_, _) => Task.FromResult(new ScanOutcome(ScanResult.Error, "queue-full", Blocked: false));

        using var response = await _proxy.SendAsync(HttpMethod.Get, host, "/photo.jpg");

        await AssertHoldFailureAsync(response, expected);
    }

    [TestCase("hold.test", HttpStatusCode.OK)]
    [TestCase("closed.test", HttpStatusCode.ServiceUnavailable)]
    public async Task A_scanner_that_throws_is_treated_as_a_scan_error(string host, HttpStatusCode expected)
    {
        _proxy.Scanner.Judge = (_, _) => throw new InvalidOperationException("The scanner broke.");

        using var response = await _proxy.SendAsync(HttpMethod.Get, host, "/photo.jpg");

        await AssertHoldFailureAsync(response, expected);
    }

    [TestCase("hold.test", HttpStatusCode.OK)]
    [TestCase("closed.test", HttpStatusCode.ServiceUnavailable)]
    public async Task A_scanner_that_never_answers_is_given_up_after_the_timeout(string host, HttpStatusCode expected)
    {
        _proxy.Scanner.Judge = static async (_, cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("Unreachable.");
        };

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await _proxy.SendAsync(HttpMethod.Get, host, "/photo.jpg");

        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TeeProxy.ScanTimeout));
        await AssertHoldFailureAsync(response, expected);
    }

    [TestCase("hold.test", HttpStatusCode.OK)]
    [TestCase("closed.test", HttpStatusCode.ServiceUnavailable)]
    public async Task An_image_over_the_limit_is_not_judged_is_counted_as_skipped_and_follows_the_zones_hold_failure(string host, HttpStatusCode expected)
    {
        using var response = await _proxy.SendAsync(HttpMethod.Get, host, "/big.png");

        // Failing open, the image streams through and is counted once the proxy is done with it.
        await WaitUntilAsync(() => _counts.Scans.Count > 0);
        Assert.That(_counts.Scans, Is.EqualTo(new[] { (host[..host.IndexOf('.', StringComparison.Ordinal)], "skipped", "too-large") }));
        Assert.That(response.StatusCode, Is.EqualTo(expected));
        if (expected == HttpStatusCode.OK)
        {
            Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(TeeTestData.Png));
        }

        Assert.That(_proxy.Scanner.Judged, Is.Empty);
    }

    [Test]
    public async Task A_head_of_an_image_is_judged_by_fetching_it()
    {
        _proxy.Scanner.Judge = RecordingScanService.Match;

        using var response = await _proxy.SendAsync(HttpMethod.Head, "hold.test", "/photo.jpg");

        Assert.That((int)response.StatusCode, Is.EqualTo(451));
        Assert.That(_proxy.Scanner.Judged.Single().Body, Is.Null);
    }

    [Test]
    public async Task A_clean_head_gets_the_origins_headers()
    {
        using var response = await _proxy.SendAsync(HttpMethod.Head, "hold.test", "/photo.jpg");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentLength, Is.EqualTo(TeeTestData.Jpeg.Length));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("image/jpeg"));
    }

    [Test]
    public async Task A_range_of_an_image_is_judged_by_fetching_it_and_released_as_the_origin_sent_it()
    {
        using var response = await _proxy.SendAsync(HttpMethod.Get, "hold.test", "/photo.jpg", r => r.Headers.Range = new RangeHeaderValue(100, 199));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(TeeTestData.Jpeg[100..200]));
        Assert.That(_proxy.Scanner.Judged.Single().Body, Is.Null);
    }

    [Test]
    public async Task A_matching_range_gets_the_block_status()
    {
        _proxy.Scanner.Judge = RecordingScanService.Match;

        using var response = await _proxy.SendAsync(HttpMethod.Get, "hold.test", "/photo.jpg", r => r.Headers.Range = new RangeHeaderValue(0, 99));

        Assert.That((int)response.StatusCode, Is.EqualTo(451));
    }

    private static async Task AssertHoldFailureAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.That(response.StatusCode, Is.EqualTo(expected));
        if (expected == HttpStatusCode.OK)
        {
            Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(TeeTestData.Jpeg));
        }
        else
        {
            Assert.That(response.Headers.CacheControl!.NoStore, Is.True);
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("could not be checked"));
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition(); waited += 10)
        {
            Assert.That(waited, Is.LessThan(5000), "Not within 5 s.");
            await Task.Delay(10);
        }
    }
}
