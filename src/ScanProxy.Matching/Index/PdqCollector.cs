using System.Buffers.Binary;
using System.Collections.Concurrent;
using ScanProxy.Pdq;

namespace ScanProxy.Matching;

/// <summary>
/// Collects PDQ entry lines and folds them into a <see cref="PdqIndex"/>. Folding sorts the lines by their
/// substring-0 key (so table 0 of the index needs no postings), then by hash within each bucket, which puts
/// duplicates side by side in line order.
/// </summary>
internal sealed class PdqCollector : EntryCollector
{
    private readonly ChunkedList<PdqHash> _hashes = new();
    private readonly RawIds _ids = new();

    public override int Lines => _hashes.Count;

    public override void Add(HashListKind kind, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> id) =>
        Add(new PdqHash(
            BinaryPrimitives.ReadUInt64BigEndian(digest[24..]),
            BinaryPrimitives.ReadUInt64BigEndian(digest[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(digest[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(digest)),
            id);

    public void Add(in PdqHash hash, ReadOnlySpan<byte> id)
    {
        _hashes.Add(hash);
        _ids.Add(id);
    }

    public override void Reset()
    {
        _hashes.Clear();
        _ids.Clear();
    }

    public override int CountDistinct()
    {
        var (hashes, _, _) = SortLines(MihLayout.For(Lines));
        return Fold(hashes.Span, null, null);
    }

    public override object Build() => BuildIndex(null);

    public PdqIndex BuildIndex(MihLayout? layout)
    {
        layout ??= MihLayout.For(Lines);
        var (hashes, lines, sortBuffers) = SortLines(layout);
        var entryCount = Fold(hashes.Span, lines, null);
        var ids = new EntryIds.Builder(entryCount, CountIdBytes(hashes.Span, lines));
        Fold(hashes.Span, lines, ids);
        Reset();

        var entries = entryCount == hashes.Length ? hashes : AlignedHashes.Copy(hashes.Span[..entryCount]);
        var tables = new MihTable[layout.Substrings];
        tables[0] = MihTable.BuildSorted(entries.Span, layout);

        // One staging buffer per worker thread, not per table, starting with the two the sort used: each is 8 bytes
        // per entry of memory, and memory touched for the first time costs more than the work done in it.
        var spare = new ConcurrentBag<ulong[]>(sortBuffers);
        Parallel.For(
            1,
            tables.Length,
            () => spare.TryTake(out var buffer) ? buffer : LargeArrays.Allocate<ulong>(entries.Length),
            (t, _, staging) =>
            {
                tables[t] = MihTable.Build(entries.Span, t, layout, staging);
                return staging;
            },
            spare.Add);
        return new PdqIndex(entries, ids.Build(), layout, tables);
    }

    /// <summary>
    /// The hashes sorted by (substring-0 key, hash), with their line numbers; equal hashes keep line order. The two
    /// buffers of the sort, one value per line, are handed back for reuse.
    /// </summary>
    private (AlignedHashes Hashes, int[] Lines, ulong[][] SortBuffers) SortLines(MihLayout layout)
    {
        var pairs = LargeArrays.Allocate<ulong>(_hashes.Count);
        var scratch = LargeArrays.Allocate<ulong>(_hashes.Count);
        for (var i = 0; i < pairs.Length; i++)
        {
            pairs[i] = ((ulong)layout.Key(_hashes[i], 0) << 32) | (uint)i;
        }

        var sorted = RadixSort.SortByField(pairs, scratch, 32, layout.Bits);
        var aligned = AlignedHashes.Allocate(sorted.Length);
        var hashes = aligned.Span;
        var lines = GC.AllocateUninitializedArray<int>(sorted.Length);
        for (var i = 0; i < sorted.Length; i++)
        {
            lines[i] = (int)(uint)sorted[i];
            hashes[i] = _hashes[lines[i]];
        }

        var start = 0;
        for (var i = 1; i <= sorted.Length; i++)
        {
            if (i == sorted.Length || (sorted[i] >> 32) != (sorted[start] >> 32))
            {
                if (i - start > 1)
                {
                    hashes.Slice(start, i - start).Sort(lines.AsSpan(start, i - start), default(HashOrder));
                    KeepLineOrderOfDuplicates(hashes, lines, start, i);
                }

                start = i;
            }
        }

        return (aligned, lines, [pairs, scratch]);
    }

    /// <summary>
    /// Walks the sorted lines; when <paramref name="ids"/> is given, also moves each distinct hash to the front
    /// and gathers its ids. Returns the number of distinct hashes.
    /// </summary>
    private int Fold(Span<PdqHash> hashes, int[]? lines, EntryIds.Builder? ids)
    {
        var entries = 0;
        for (var i = 0; i < hashes.Length; i++)
        {
            if (i == 0 || hashes[i] != hashes[i - 1])
            {
                if (ids is not null && entries > 0)
                {
                    ids.EndEntry();
                }

                entries++;
            }

            if (ids is not null && _ids.Any)
            {
                ids.AddId(_ids, lines![i]);
            }
        }

        if (ids is not null)
        {
            if (entries > 0)
            {
                ids.EndEntry();
            }

            // Compact in a second step so that the comparisons above see the original neighbours.
            var write = 0;
            for (var i = 0; i < hashes.Length; i++)
            {
                if (i == 0 || hashes[i] != hashes[write - 1])
                {
                    hashes[write++] = hashes[i];
                }
            }
        }

        return entries;
    }

    private long CountIdBytes(ReadOnlySpan<PdqHash> hashes, int[] lines)
    {
        long bytes = 0;
        if (!_ids.Any)
        {
            return 0;
        }

        var idsInEntry = 0;
        for (var i = 0; i < hashes.Length; i++)
        {
            if (i == 0 || hashes[i] != hashes[i - 1])
            {
                idsInEntry = 0;
            }

            var length = _ids.Length(lines[i]);
            if (length > 0)
            {
                bytes += length + (idsInEntry > 0 ? 1 : 0);
                idsInEntry++;
            }
        }

        return bytes;
    }

    /// <summary>The sort above is not stable; lines of equal hashes are put back in file order.</summary>
    private static void KeepLineOrderOfDuplicates(ReadOnlySpan<PdqHash> hashes, int[] lines, int start, int end)
    {
        var run = start;
        for (var i = start + 1; i <= end; i++)
        {
            if (i == end || hashes[i] != hashes[run])
            {
                if (i - run > 1)
                {
                    Array.Sort(lines, run, i - run);
                }

                run = i;
            }
        }
    }

    private readonly struct HashOrder : IComparer<PdqHash>
    {
        public int Compare(PdqHash a, PdqHash b)
        {
            var c = a.W3.CompareTo(b.W3);
            if (c == 0)
            {
                c = a.W2.CompareTo(b.W2);
            }

            if (c == 0)
            {
                c = a.W1.CompareTo(b.W1);
            }

            return c != 0 ? c : a.W0.CompareTo(b.W0);
        }
    }
}
