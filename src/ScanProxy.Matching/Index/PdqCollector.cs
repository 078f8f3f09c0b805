using System.Buffers.Binary;
using ScanProxy.Pdq;

namespace ScanProxy.Matching;

/// <summary>
/// Collects PDQ entry lines and folds them into a <see cref="PdqIndex"/>. Folding sorts the lines by their
/// substring-0 key (a counting sort, so table 0 of the index needs no postings), then by hash within each
/// bucket, which puts duplicates side by side in line order.
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
        var order = SortLines(MihLayout.For(Lines));
        return CountEntries(order, out _);
    }

    public override object Build() => BuildIndex(null);

    public PdqIndex BuildIndex(MihLayout? layout)
    {
        layout ??= MihLayout.For(Lines);
        var order = SortLines(layout);
        var entryCount = CountEntries(order, out var idBytes);
        var entries = new PdqHash[entryCount];
        var ids = new EntryIds.Builder(entryCount, idBytes);
        var entry = -1;
        for (var i = 0; i < order.Length; i++)
        {
            var line = order[i];
            if (i == 0 || _hashes[line] != _hashes[order[i - 1]])
            {
                if (entry >= 0)
                {
                    ids.EndEntry();
                }

                entries[++entry] = _hashes[line];
            }

            ids.AddId(_ids, line);
        }

        if (entry >= 0)
        {
            ids.EndEntry();
        }

        var tables = new MihTable[layout.Substrings];
        Parallel.For(0, tables.Length, t => tables[t] = MihTable.Build(entries, layout, t));
        return new PdqIndex(entries, ids.Build(), layout, tables);
    }

    /// <summary>Line numbers sorted by (substring-0 key, hash, line).</summary>
    private int[] SortLines(MihLayout layout)
    {
        var ends = new int[layout.BucketCount];
        for (var i = 0; i < _hashes.Count; i++)
        {
            ends[layout.Key(_hashes[i], 0)]++;
        }

        var total = 0;
        for (var k = 0; k < ends.Length; k++)
        {
            (ends[k], total) = (total, total + ends[k]);
        }

        var order = new int[_hashes.Count];
        for (var i = 0; i < _hashes.Count; i++)
        {
            order[ends[layout.Key(_hashes[i], 0)]++] = i;
        }

        var comparer = new HashThenLine(_hashes);
        var start = 0;
        foreach (var end in ends)
        {
            if (end - start > 1)
            {
                order.AsSpan(start, end - start).Sort(comparer);
            }

            start = end;
        }

        return order;
    }

    /// <summary>Counts the distinct hashes in sorted <paramref name="order"/> and the bytes their joined ids take.</summary>
    private int CountEntries(int[] order, out long idBytes)
    {
        var entries = 0;
        idBytes = 0;
        var idsInEntry = 0;
        for (var i = 0; i < order.Length; i++)
        {
            if (i == 0 || _hashes[order[i]] != _hashes[order[i - 1]])
            {
                entries++;
                idsInEntry = 0;
            }

            var length = _ids.Length(order[i]);
            if (length > 0)
            {
                idBytes += length + (idsInEntry > 0 ? 1 : 0);
                idsInEntry++;
            }
        }

        return entries;
    }

    private readonly struct HashThenLine(ChunkedList<PdqHash> hashes) : IComparer<int>
    {
        public int Compare(int x, int y)
        {
            ref readonly var a = ref hashes[x];
            ref readonly var b = ref hashes[y];
            var c = a.W3.CompareTo(b.W3);
            if (c == 0)
            {
                c = a.W2.CompareTo(b.W2);
            }

            if (c == 0)
            {
                c = a.W1.CompareTo(b.W1);
            }

            if (c == 0)
            {
                c = a.W0.CompareTo(b.W0);
            }

            return c != 0 ? c : x.CompareTo(y);
        }
    }
}
