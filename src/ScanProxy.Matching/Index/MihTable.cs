using System.Runtime.CompilerServices;
using ScanProxy.Pdq;

namespace ScanProxy.Matching;

/// <summary>
/// One substring table of the index: the entries grouped by their key in that substring (CSR layout).
/// Bucket k holds <c>postings[start(k) .. start(k+1))</c>. Table 0 has no postings: the entries themselves are
/// sorted by their substring-0 key, so its buckets index the entries directly.
/// </summary>
/// <remarks>
/// Bucket starts are stored as a 32-bit base per block of 64 buckets plus a 16-bit offset per bucket, 2 bytes
/// per bucket instead of 4; one probe reads one cache line of offsets (the bases, 1/32 of the size, stay in
/// cache). A table whose block of 64 buckets holds 65,536 or more entries (extreme clustering) keeps plain
/// 32-bit starts instead.
/// </remarks>
internal sealed class MihTable
{
    private const int BlockShift = 6;

    private readonly uint[]? _postings;
    private readonly uint[] _blockStarts;
    private readonly ushort[] _offsets;
    private readonly uint[]? _wideStarts;

    private MihTable(uint[]? postings, uint[] blockStarts, ushort[] offsets, uint[]? wideStarts)
    {
        _postings = postings;
        _blockStarts = blockStarts;
        _offsets = offsets;
        _wideStarts = wideStarts;
    }

    /// <summary>The postings (entry numbers), or null when the bucket ranges are entry numbers themselves.</summary>
    public uint[]? Postings => _postings;

    public long MemoryBytes => (4L * (_postings?.LongLength ?? 0)) + (4L * _blockStarts.LongLength) + (2L * _offsets.LongLength) + (4L * (_wideStarts?.LongLength ?? 0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void GetRange(uint key, out uint start, out uint end)
    {
        if (_wideStarts is { } wide)
        {
            start = wide[key];
            end = wide[key + 1];
            return;
        }

        start = _blockStarts[key >> BlockShift] + _offsets[key];
        end = _blockStarts[(key + 1) >> BlockShift] + _offsets[key + 1];
    }

    /// <summary>Builds table <paramref name="table"/> over <paramref name="entries"/>; table 0 requires them sorted by that key.</summary>
    public static MihTable Build(ReadOnlySpan<PdqHash> entries, MihLayout layout, int table)
    {
        var buckets = layout.BucketCount;
        var ends = new int[buckets];
        foreach (ref readonly var entry in entries)
        {
            ends[layout.Key(entry, table)]++;
        }

        var total = 0;
        for (var k = 0; k < buckets; k++)
        {
            var count = ends[k];
            ends[k] = total;
            total += count;
        }

        // After the scatter, ends[k] is the end of bucket k; without a scatter (table 0) the counts are turned into ends here.
        uint[]? postings = null;
        if (table == 0)
        {
            for (var k = 0; k < buckets - 1; k++)
            {
                ends[k] = ends[k + 1];
            }

            ends[buckets - 1] = total;
        }
        else
        {
            postings = new uint[entries.Length];
            for (var e = 0; e < entries.Length; e++)
            {
                postings[ends[layout.Key(entries[e], table)]++] = (uint)e;
            }
        }

        return FromEnds(ends, total, postings);
    }

    private static MihTable FromEnds(int[] ends, int total, uint[]? postings)
    {
        var buckets = ends.Length;
        var blockStarts = new uint[(buckets >> BlockShift) + 1];
        var offsets = new ushort[buckets + 1];
        var fits = true;
        for (var k = 0; k < buckets && fits; k++)
        {
            var start = k == 0 ? 0 : ends[k - 1];
            if ((k & ((1 << BlockShift) - 1)) == 0)
            {
                blockStarts[k >> BlockShift] = (uint)start;
            }

            var offset = start - (int)blockStarts[k >> BlockShift];
            fits = offset <= ushort.MaxValue;
            offsets[k] = (ushort)offset;
        }

        blockStarts[^1] = (uint)total;
        if (fits)
        {
            return new MihTable(postings, blockStarts, offsets, null);
        }

        var wide = new uint[buckets + 1];
        for (var k = 1; k <= buckets; k++)
        {
            wide[k] = (uint)ends[k - 1];
        }

        return new MihTable(postings, [], [], wide);
    }
}
