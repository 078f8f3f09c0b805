namespace ScanProxy.Matching;

/// <summary>Collects exact-digest entry lines and folds them into a <see cref="SortedDigestSet{TKey}"/>.</summary>
internal sealed class ExactCollector<TKey>(HashListKind kind) : EntryCollector
    where TKey : unmanaged, IDigestKey<TKey>
{
    private readonly ChunkedList<TKey> _keys = new();
    private readonly RawIds _ids = new();

    public override int Lines => _keys.Count;

    public override void Add(HashListKind kind, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> id)
    {
        _keys.Add(TKey.Read(digest));
        _ids.Add(id);
    }

    public override void Reset()
    {
        _keys.Clear();
        _ids.Clear();
    }

    public override int CountDistinct()
    {
        var (keys, _) = Sort();
        return CountEntries(keys, null, out _);
    }

    public override object Build()
    {
        var (keys, lines) = Sort();
        var count = CountEntries(keys, lines, out var idBytes);
        var distinct = new TKey[count];
        var ids = new EntryIds.Builder(count, idBytes);
        var entry = -1;
        for (var i = 0; i < keys.Length; i++)
        {
            if (i == 0 || !keys[i].Equals(keys[i - 1]))
            {
                if (entry >= 0)
                {
                    ids.EndEntry();
                }

                distinct[++entry] = keys[i];
            }

            ids.AddId(_ids, lines[i]);
        }

        if (entry >= 0)
        {
            ids.EndEntry();
        }

        return new SortedDigestSet<TKey>(kind, distinct, ids.Build());
    }

    /// <summary>The keys sorted, with their line numbers; equal keys keep line order.</summary>
    private (TKey[] Keys, int[] Lines) Sort()
    {
        var keys = new TKey[_keys.Count];
        _keys.CopyTo(0, keys);
        var lines = new int[keys.Length];
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = i;
        }

        Array.Sort(keys, lines);
        var start = 0;
        for (var i = 1; i <= keys.Length; i++)
        {
            if (i == keys.Length || !keys[i].Equals(keys[start]))
            {
                if (i - start > 1)
                {
                    Array.Sort(lines, start, i - start);
                }

                start = i;
            }
        }

        return (keys, lines);
    }

    private int CountEntries(TKey[] keys, int[]? lines, out long idBytes)
    {
        var entries = 0;
        var idsInEntry = 0;
        idBytes = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            if (i == 0 || !keys[i].Equals(keys[i - 1]))
            {
                entries++;
                idsInEntry = 0;
            }

            var length = lines is null ? 0 : _ids.Length(lines[i]);
            if (length > 0)
            {
                idBytes += length + (idsInEntry > 0 ? 1 : 0);
                idsInEntry++;
            }
        }

        return entries;
    }
}
