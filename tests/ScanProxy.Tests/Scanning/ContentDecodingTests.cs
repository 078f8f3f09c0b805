using ScanProxy.Scanning;

namespace ScanProxy.Tests.Scanning;

public sealed class ContentDecodingTests
{
    private static readonly byte[] s_data = [.. Enumerable.Range(0, 50_000).Select(i => (byte)(i * 7 % 251))];

    [TestCase(null, true)]
    [TestCase("", true)]
    [TestCase("identity", true)]
    [TestCase(" Identity , identity ", true)]
    [TestCase("gzip", false)]
    [TestCase("identity, br", false)]
    public void Only_absent_or_identity_codings_leave_the_bytes_as_they_are(string? encoding, bool identity) =>
        Assert.That(ContentDecoding.IsIdentity(encoding), Is.EqualTo(identity));

    [TestCase("gzip", "gzip")]
    [TestCase("x-gzip", "gzip")]
    [TestCase("GZIP", "gzip")]
    [TestCase("br", "br")]
    [TestCase("deflate", "deflate")]
    [TestCase("deflate", "raw-deflate")]
    public void Each_coding_is_undone(string header, string coding)
    {
        using var encoded = Pooled(TestImages.Encode(s_data, coding));

        var status = ContentDecoding.TryDecode(encoded, header, s_data.Length, out var decoded);

        using (decoded)
        {
            Assert.That(status, Is.EqualTo(ContentDecodeStatus.Decoded));
            Assert.That(decoded!.Span.ToArray(), Is.EqualTo(s_data));
        }
    }

    [Test]
    public void Output_one_byte_over_the_limit_is_too_large()
    {
        using var encoded = Pooled(TestImages.Encode(s_data, "gzip"));

        var status = ContentDecoding.TryDecode(encoded, "gzip", s_data.Length - 1, out var decoded);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(ContentDecodeStatus.TooLarge));
            Assert.That(decoded, Is.Null);
        });
    }

    [Test]
    public void A_bomb_layered_twice_stops_at_the_limit()
    {
        using var encoded = Pooled(TestImages.Encode(TestImages.GzipOfZeros(64L * 1024 * 1024), "br"));

        var status = ContentDecoding.TryDecode(encoded, "gzip, br", 1024 * 1024, out var decoded);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(ContentDecodeStatus.TooLarge));
            Assert.That(decoded, Is.Null);
        });
    }

    [TestCase("gzip")]
    [TestCase("br")]
    [TestCase("deflate")]
    public void Data_that_is_not_of_its_coding_is_corrupt(string coding)
    {
        using var encoded = Pooled([0x1f, 0x8b, 0x08, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
        var garbage = coding == "gzip" ? encoded : Pooled([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);

        var status = ContentDecoding.TryDecode(garbage, coding, 1024, out var decoded);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(ContentDecodeStatus.Corrupt));
            Assert.That(decoded, Is.Null);
        });
        garbage.Dispose();
    }

    [Test]
    public void An_unknown_coding_is_unsupported()
    {
        using var encoded = Pooled(s_data);

        Assert.That(ContentDecoding.TryDecode(encoded, "compress", s_data.Length, out _), Is.EqualTo(ContentDecodeStatus.Unsupported));
    }

    private static PooledBody Pooled(byte[] data)
    {
        var body = new PooledBody(data.Length, int.MaxValue);
        Assert.That(body.TryAppend(data), Is.True);
        return body;
    }
}
