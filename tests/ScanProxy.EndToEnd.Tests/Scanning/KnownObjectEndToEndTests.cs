using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ScanProxy.Tests.Scanning;
using static ScanProxy.EndToEnd.Tests.Scanning.ScanningProxy;

namespace ScanProxy.EndToEnd.Tests.Scanning;

/// <summary>
/// Scanner:KnownObjectTtl through the real process: a URL judged clean is not teed again while the origin answers
/// with the same strong ETag, for at most that long; a new ETag, a weak one or none is teed as before.
/// </summary>
public sealed class KnownObjectEndToEndTests : ScanningTestBase
{
    private static readonly TimeSpan s_ttl = TimeSpan.FromSeconds(3);

    private ScanningProxy _proxy = null!;
    private int _sentinels;

    [OneTimeSetUp]
    public async Task StartProxyAsync()
    {
        // One worker: objects are judged in the order they were served, so a sentinel judged means all before it were.
        _proxy = await StartProxyAsync(new JsonObject { ["Workers"] = 1, ["KnownObjectTtl"] = s_ttl.ToString() });
        await _proxy.WaitUntilReadyAsync();
    }

    [OneTimeTearDown]
    public async Task StopProxyAsync() => await _proxy.DisposeAsync();

    [Test]
    public async Task An_unchanged_strong_etag_is_not_scanned_again_until_the_time_to_live_ends()
    {
        const string path = "/etag/photo.jpg";
        await ServeNewAsync(path, TestImages.Distinct[1].Bytes, "\"v1\"");

        await ServeAsync(path, TestImages.Distinct[1].Bytes);
        await ServeAsync(path, TestImages.Distinct[1].Bytes);
        await SentinelJudgedAsync();
        Assert.That(Judgements(path), Is.EqualTo(1), "served three times, scanned once");

        // An origin that reuses an ETag for new bytes is trusted until the time to live ends, then the bytes are scanned.
        Origin.Serve(path, TestImages.Listed[3].Bytes, etag: "\"v1\"");
        await ServeAsync(path, TestImages.Listed[3].Bytes);
        await SentinelJudgedAsync();
        Assert.That(Judgements(path), Is.EqualTo(1));

        await Task.Delay(s_ttl + TimeSpan.FromMilliseconds(500));
        await ServeAsync(path, TestImages.Listed[3].Bytes);
        await _proxy.WaitUntilBlockedAsync(path);
    }

    [Test]
    public async Task A_new_etag_is_a_new_object_and_is_scanned_at_once()
    {
        const string path = "/etag/replaced.jpg";
        await ServeNewAsync(path, TestImages.Distinct[2].Bytes, "\"a\"");

        Origin.Serve(path, TestImages.Listed[2].Bytes, etag: "\"b\"");
        await ServeAsync(path, TestImages.Listed[2].Bytes);

        await _proxy.WaitUntilBlockedAsync(path);
    }

    [TestCase("/etag/weak.jpg", "W/\"w\"")]
    [TestCase("/etag/none.jpg", null)]
    public async Task Without_a_strong_etag_every_response_is_teed(string path, string? etag)
    {
        var photo = TestImages.Distinct[3];

        await ServeNewAsync(path, photo.Bytes, etag);
        await ServeAsync(path, photo.Bytes);
        await SentinelJudgedAsync();

        Assert.That(Judgements(path), Is.EqualTo(2), "the second serving is judged again, from its digest");
    }

    private async Task ServeAsync(string path, byte[] expected)
    {
        var (status, body) = await _proxy.GetAsync(path);
        Assert.That(status, Is.EqualTo(200), path);
        Assert.That(body, Is.EqualTo(expected), path);
    }

    // A new image without an ETag, served and judged after everything the test served before it.
    private async Task SentinelJudgedAsync()
    {
        await ServeNewAsync($"/etag/sentinel-{Interlocked.Increment(ref _sentinels)}.jpg", TestImages.Distinct[0].Bytes, etag: null);
    }

    // Puts an object at a path of the origin, gets it through the proxy and waits for the scanner's judgement of it.
    private async Task ServeNewAsync(string path, byte[] body, string? etag)
    {
        Origin.Serve(path, body, etag: etag);
        await ServeAsync(path, body);
        await _proxy.WaitForJudgementAsync(path);
    }

    private int Judgements(string path) =>
        Regex.Count(_proxy.Process.Output, Regex.Escape($"http://{Host}{path} scanned: "));
}
