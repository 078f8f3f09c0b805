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

        var lines = Build(starts);
        for (var k = 0; k < buckets; k++)
        {
            lines.GetRange((uint)k, out var start, out var end);
            Assert.That((start, end), Is.EqualTo((starts[k], starts[k + 1])), $"bucket {k}");
        }

        Assert.That(lines.MemoryBytes - BucketLines.BytesFor(buckets), Is.InRange(0, 56), "one 64-byte line per 29 buckets, and room to align");
    }

    [Test]
    public void A_line_whose_buckets_hold_65536_entries_or_more_makes_the_table_keep_32_bit_starts()
    {
        // Line 0 (buckets 0-28) ends 65,535 entries from its base: it fits. Line 1 (buckets 29-57) ends 65,536 from its
        // base: it does not.
        uint[] overflowing = [.. Enumerable.Range(0, 59).Select(k => k <= 28 ? 0u : k < 58 ? 65_535u : 65_535u + 65_536u)];
        uint[] fitting = [.. Enumerable.Range(0, 59).Select(k => k <= 28 ? 0u : k < 58 ? 65_535u : 65_535u + 65_535u)];

        var wide = Build(overflowing);
        var lines = Build(fitting);

        Assert.That(wide.MemoryBytes, Is.EqualTo(4 * 59), "32-bit starts");
        Assert.That(lines.MemoryBytes - BucketLines.BytesFor(58), Is.InRange(0, 56), "lines");
        foreach (var (built, starts) in new[] { (wide, overflowing), (lines, fitting) })
        {
            for (var k = 0; k < 58; k++)
            {
                built.GetRange((uint)k, out var start, out var end);
                Assert.That((start, end), Is.EqualTo((starts[k], starts[k + 1])), $"bucket {k}");
            }
        }
    }

    [Test]
    public void A_start_past_65535_in_the_middle_of_a_line_moves_every_start_written_before_it()
    {
        // Bucket 11 of line 0 starts 70,000 entries from the line's base: the builder goes wide there, after 11 starts.
        uint[] starts = [.. Enumerable.Range(0, 59).Select(k => k <= 10 ? (uint)k : 70_000u + (uint)k)];

        var wide = Build(starts);

        Assert.That(wide.MemoryBytes, Is.EqualTo(4 * 59), "32-bit starts");
        for (var k = 0; k < 58; k++)
        {
            wide.GetRange((uint)k, out var start, out var end);
            Assert.That((start, end), Is.EqualTo((starts[k], starts[k + 1])), $"bucket {k}");
        }
    }

    private static BucketLines Build(uint[] starts)
    {
        var builder = new BucketLines.Builder(starts.Length - 1);
        for (var k = 0; k < starts.Length; k++)
        {
            builder.SetStart(k, starts[k]);
        }

        return builder.Build();
    }
}
