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

    /// <summary>Builds table 0 over <paramref name="entries"/>, which are sorted by their substring-0 key.</summary>
    public static MihTable BuildSorted(ReadOnlySpan<PdqHash> entries, MihLayout layout)
    {
        var ends = new int[layout.BucketCount];
        var e = 0;
        for (var k = 0; k < ends.Length; k++)
        {
            while (e < entries.Length && layout.Key(entries[e], 0) == k)
            {
                e++;
            }

            ends[k] = e;
        }

        return FromEnds(ends, entries.Length, null);
    }

    /// <summary>Builds table <paramref name="table"/> (1 or more) over <paramref name="entries"/>.</summary>
    public static MihTable Build(ReadOnlySpan<PdqHash> entries, MihLayout layout, int table)
    {
        // Sort (key, entry) pairs by key; equal keys keep entry order.
        var pairs = new ulong[entries.Length];
        for (var e = 0; e < entries.Length; e++)
        {
            pairs[e] = ((ulong)layout.Key(entries[e], table) << 32) | (uint)e;
        }

        var sorted = RadixSort.SortByField(pairs, new ulong[entries.Length], 32, layout.Bits);
        var postings = new uint[entries.Length];
        var ends = new int[layout.BucketCount];
        var next = 0;
        for (var k = 0; k < ends.Length; k++)
        {
            while (next < sorted.Length && (sorted[next] >> 32) == (ulong)k)
            {
                postings[next] = (uint)sorted[next];
                next++;
            }

            ends[k] = next;
        }

        return FromEnds(ends, entries.Length, postings);
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
