namespace ScanProxy.Matching.Tests.Index;

public class BucketLinesTests
{
    // 58 buckets fill two lines exactly, so the end of the last bucket goes to the last slot of a line; 100 leave a
    // partial last line; 1 is a single partial line.
    [TestCase(1)]
    [TestCase(58)]
    [TestCase(100)]
    [TestCase(1 << 12)]
    public void Every_bucket_range_reads_back_as_written(int buckets)
    {
        var random = new Random(buckets);
        var starts = new uint[buckets + 1];
        for (var k = 1; k <= buckets; k++)
        {
            // Mostly small buckets, some empty, some large.
            starts[k] = starts[k - 1] + (uint)(random.Next(4) == 0 ? 0 : random.Next(random.Next(8) == 0 ? 2_000 : 5));
        }

        var builder = new BucketLines.Builder(buckets);
        for (var k = 0; k <= buckets; k++)
        {
            builder.SetStart(k, starts[k]);
        }

        Assert.That(builder.TryBuild(out var lines), Is.True);
        for (var k = 0; k < buckets; k++)
        {
            lines.GetRange((uint)k, out var start, out var end);
            Assert.That((start, end), Is.EqualTo((starts[k], starts[k + 1])), $"bucket {k}");
        }

        Assert.That(lines.MemoryBytes - BucketLines.BytesFor(buckets), Is.InRange(0, 56), "one 64-byte line per 29 buckets, and room to align");
    }

    [Test]
    public void A_line_whose_buckets_hold_65536_entries_or_more_is_refused()
    {
        var builder = new BucketLines.Builder(58);
        for (var k = 0; k <= 58; k++)
        {
            // Line 0 (buckets 0-28) ends at 65,535 entries from its base: still fits. Line 1 ends at 65,536.
            builder.SetStart(k, k <= 28 ? 0u : k < 58 ? 65_535u : 65_535u + 65_536u);
        }

        Assert.That(builder.TryBuild(out _), Is.False);

        var fitting = new BucketLines.Builder(58);
        for (var k = 0; k <= 58; k++)
        {
            fitting.SetStart(k, k <= 28 ? 0u : k < 58 ? 65_535u : 65_535u + 65_535u);
        }

        Assert.That(fitting.TryBuild(out var lines), Is.True);
        lines.GetRange(28, out var start, out var end);
        Assert.That((start, end), Is.EqualTo((0u, 65_535u)));
        lines.GetRange(57, out start, out end);
        Assert.That((start, end), Is.EqualTo((65_535u, 131_070u)));
    }
}
