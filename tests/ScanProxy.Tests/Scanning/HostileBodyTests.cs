using ScanProxy.Scanning;

namespace ScanProxy.Tests.Scanning;

/// <summary>
/// Bodies crafted to break a scanner. Each ends in a counted result with its reason, never an exception, a stall or
/// memory out of bounds, and the node goes on judging ordinary images afterwards.
/// </summary>
public sealed class HostileBodyTests : ScannerTestBase
{
    private const int MaxObjectBytes = 4 * 1024 * 1024;

    private static readonly object[] s_bodies =
    [
        new object[] { "truncated JPEG", (Func<byte[]>)(() => TestImages.Truncated(TestImages.Listed[0].Bytes)), "error", ScanReasons.Truncated },
        new object[] { "zero bytes", (Func<byte[]>)(() => []), "error", ScanReasons.Empty },
        new object[] { "PNG header claiming 20000x20000", (Func<byte[]>)(() => TestImages.PngHeader(20000, 20000)), "error", ScanReasons.TooLarge },
        new object[] { "random bytes after a JPEG signature", (Func<byte[]>)(() => TestImages.JpegSignatureThenRandom(64 * 1024)), "error", ScanReasons.Corrupt },
        new object[] { "GIF declaring 65535x65535", (Func<byte[]>)(() => TestImages.GifBomb(65535, 65535)), "error", ScanReasons.TooLarge },
        new object[] { "TIFF", (Func<byte[]>)TestImages.Tiff, "error", ScanReasons.Unsupported },
        new object[] { "text", (Func<byte[]>)(() => "hello, this is not an image"u8.ToArray()), "skipped", ScanReasons.NotImage },
    ];

    [SetUp]
    public void SmallObjects() => Settings["ScanProxy:Scanner:MaxObjectBytes"] = MaxObjectBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [TestCaseSource(nameof(s_bodies))]
    public async Task A_hostile_body_is_counted_with_its_reason_and_the_node_goes_on_scanning(string what, Func<byte[]> body, string result, string reason)
    {
        var node = await StartNodeAsync();

        var outcome = await node.ScanAsync("http://shop.example/hostile", body());
        var afterwards = await node.ScanAsync("http://shop.example/ordinary.jpg", TestImages.Listed[0].Bytes);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Reason, Is.EqualTo(reason), what);
            Assert.That(outcome.Blocked, Is.False);
            Assert.That(node.Counts.Scans(result, reason), Is.EqualTo(1));
            Assert.That(afterwards.Result, Is.EqualTo(ScanResult.Match));
        });
    }

    [Test]
    public async Task A_gzip_bomb_stops_at_the_object_limit_and_is_skipped_as_too_large()
    {
        var node = await StartNodeAsync();
        var bomb = TestImages.GzipOfZeros(256L * 1024 * 1024);

        var outcome = await node.ScanAsync("http://shop.example/bomb.jpg", bomb, "gzip");

        Assert.Multiple(() =>
        {
            Assert.That(bomb, Has.Length.LessThan(MaxObjectBytes / 4));
            Assert.That(outcome, Is.EqualTo(new ScanOutcome(ScanResult.Skipped, ScanReasons.TooLarge, Blocked: false)));
            Assert.That(node.Counts.Scans("skipped", ScanReasons.TooLarge), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_body_that_is_not_valid_for_its_content_encoding_is_an_error()
    {
        var node = await StartNodeAsync();

        var corrupt = await node.ScanAsync("http://shop.example/corrupt.jpg", TestImages.JpegSignatureThenRandom(4096), "gzip");
        var unknown = await node.ScanAsync("http://shop.example/compress.jpg", TestImages.Listed[0].Bytes, "compress");

        Assert.Multiple(() =>
        {
            Assert.That(corrupt, Is.EqualTo(new ScanOutcome(ScanResult.Error, ScanReasons.CorruptEncoding, Blocked: false)));
            Assert.That(unknown, Is.EqualTo(new ScanOutcome(ScanResult.Error, ScanReasons.UnsupportedEncoding, Blocked: false)));
        });
    }
}
