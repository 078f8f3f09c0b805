using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ScanProxy.Pdq;

namespace ScanProxy.Matching;

/// <summary>
/// One substring table of the index: the entries grouped by their key in that substring (CSR layout).
/// Bucket k holds <c>postings[start(k) .. start(k+1))</c>. Table 0 has no postings: the entries themselves are
/// sorted by their substring-0 key, so its buckets index the entries directly.
/// </summary>
/// <remarks>
/// Bucket starts are stored in <see cref="BucketLines"/>, about 2.2 bytes per bucket instead of 4, one cache
/// line per probe. Postings take <see cref="MihLayout.PostingBytes"/> each, packed: 3 bytes make a
/// 10M-entry index 10 bytes per entry smaller and put a third more postings in each cache line a probe reads.
/// </remarks>
internal sealed class MihTable
{
    private readonly byte[]? _postings;
    private readonly int _postingBytes;
    private readonly uint _postingMask;
    private readonly BucketLines _lines;

    private MihTable(byte[]? postings, int postingBytes, BucketLines lines)
    {
        _postings = postings;
        _postingBytes = postingBytes;
        _postingMask = postingBytes == 3 ? 0xFF_FFFFu : uint.MaxValue;
        _lines = lines;
    }

    /// <summary>False when the bucket ranges are entry numbers themselves (table 0).</summary>
    public bool HasPostings => _postings is not null;

    public long MemoryBytes => (_postings?.LongLength ?? 0) + _lines.MemoryBytes;

    /// <summary>The entry number at position <paramref name="index"/> of the postings (a table with postings only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Posting(uint index)
    {
        // A 4-byte read of a 3-byte posting takes one byte of the next; the array has that byte after its last one.
        ref var at = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_postings!), (nint)index * _postingBytes);
        return (int)(Unsafe.ReadUnaligned<uint>(ref at) & _postingMask);
    }

    /// <summary>Starts loading posting <paramref name="index"/> (up to one past the last) into the cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PrefetchPosting(uint index) =>
        CacheHint.Prefetch(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_postings!), (nint)index * _postingBytes));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void GetRange(uint key, out uint start, out uint end) => _lines.GetRange(key, out start, out end);

    /// <summary>Starts loading the bucket range of <paramref name="key"/> into the cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PrefetchRange(uint key) => _lines.Prefetch(key);

    /// <summary>Builds table 0 over <paramref name="entries"/>, which are sorted by their substring-0 key.</summary>
    public static MihTable BuildSorted(ReadOnlySpan<PdqHash> entries, MihLayout layout)
    {
        var lines = new BucketLines.Builder(layout.BucketCount);
        var e = 0;
        for (var k = 0; k < layout.BucketCount; k++)
        {
            lines.SetStart(k, (uint)e);
            while (e < entries.Length && layout.Key(entries[e], 0) == k)
            {
                e++;
            }
        }

        lines.SetStart(layout.BucketCount, (uint)entries.Length);
        return new MihTable(null, 0, lines.Build());
    }

    /// <summary>
    /// Builds table <paramref name="table"/> (not 0) with postings from each entry's key in that substring.
    /// A first pass scatters entries by the top 12 key bits into 4,096 contiguous runs (few write streams, which
    /// the caches follow); each run, small enough to stay in cache, is then sorted by the remaining bits, and
    /// the bucket starts come out in order.
    /// </summary>
    /// <param name="entries">The entries, in index order.</param>
    /// <param name="table">The substring this table indexes.</param>
    /// <param name="layout">The index layout.</param>
    /// <param name="staging">Scratch of at least <c>entries.Length</c> values, reused across the tables a thread builds.</param>
    /// <remarks>
    /// Keys are computed again in each pass rather than kept in an array per table: a few shifts per entry cost
    /// less than first touching 4 bytes per entry per table, which on a 10M-entry list is 400 MB of fresh pages.
    /// </remarks>
    public static MihTable Build(ReadOnlySpan<PdqHash> entries, int table, MihLayout layout, ulong[] staging)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(staging.Length, entries.Length);
        var highBits = Math.Min(layout.Bits, 12);
        var lowBits = layout.Bits - highBits;
        var lowMask = (1u << lowBits) - 1;
        var runStarts = new int[(1 << highBits) + 1];
        foreach (ref readonly var entry in entries)
        {
            runStarts[(layout.Key(entry, table) >> lowBits) + 1]++;
        }

        for (var h = 1; h < runStarts.Length; h++)
        {
            runStarts[h] += runStarts[h - 1];
        }

        var staged = staging.AsSpan(0, entries.Length);
        var cursors = runStarts[..^1];
        for (var e = 0; e < entries.Length; e++)
        {
            var key = layout.Key(entries[e], table);
            staged[cursors[key >> lowBits]++] = ((ulong)(key & lowMask) << 32) | (uint)e;
        }

        var width = layout.PostingBytes;
        if (width == 3 && entries.Length > MihLayout.MaxEntriesFor3BytePostings)
        {
            throw new ArgumentException($"3-byte postings cannot number {entries.Length:N0} entries.", nameof(layout));
        }

        var postings = LargeArrays.Allocate<byte>((entries.Length * width) + 4 - width);
        var buckets = layout.BucketCount;
        var lines = new BucketLines.Builder(buckets);
        var local = new int[(1 << lowBits) + 1];
        for (var h = 0; h < runStarts.Length - 1; h++)
        {
            var runStart = runStarts[h];
            var run = staged.Slice(runStart, runStarts[h + 1] - runStart);
            Array.Clear(local);
            foreach (var item in run)
            {
                local[(int)(item >> 32) + 1]++;
            }

            for (var l = 1; l < local.Length; l++)
            {
                local[l] += local[l - 1];
            }

            for (var l = 0; l < local.Length - 1; l++)
            {
                lines.SetStart((h << lowBits) + l, (uint)(runStart + local[l]));
            }

            foreach (var item in run)
            {
                ref var at = ref postings[(runStart + local[(int)(item >> 32)]++) * width];
                Unsafe.WriteUnaligned(ref at, (ushort)item);
                Unsafe.Add(ref at, 2) = (byte)(item >> 16);
                if (width == 4)
                {
                    Unsafe.Add(ref at, 3) = (byte)(item >> 24);
                }
            }
        }

        lines.SetStart(buckets, (uint)entries.Length);
        return new MihTable(postings, width, lines.Build());
    }
}
