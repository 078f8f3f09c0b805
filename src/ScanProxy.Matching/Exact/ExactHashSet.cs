namespace ScanProxy.Matching;

/// <summary>
/// An immutable list of exact digests (MD5, SHA-1 or SHA-256) of object bytes: a sorted array of fixed-size
/// keys searched by binary search. Lookups allocate nothing and may run on any number of threads at once.
/// </summary>
public abstract class ExactHashSet
{
    private protected ExactHashSet(HashListKind kind, EntryIds ids)
    {
        Kind = kind;
        Ids = ids;
    }

    /// <summary>The digest kind.</summary>
    public HashListKind Kind { get; }

    /// <summary>The number of distinct digests.</summary>
    public abstract int Count { get; }

    /// <summary>Bytes held by the digests and the ids.</summary>
    public abstract long MemoryBytes { get; }

    private protected EntryIds Ids { get; }

    /// <summary>Whether <paramref name="digest"/> is on the list, and which entry it is.</summary>
    /// <param name="digest">The raw digest bytes: 16 (MD5), 20 (SHA-1) or 32 (SHA-256), matching <see cref="Kind"/>.</param>
    /// <param name="entry">The entry number, for <see cref="GetIds"/>.</param>
    /// <exception cref="ArgumentException">The digest length does not fit the kind.</exception>
    public abstract bool Contains(ReadOnlySpan<byte> digest, out int entry);

    /// <summary>The lower-case hex of entry <paramref name="entry"/>.</summary>
    public abstract string GetHex(int entry);

    /// <summary>The ids of entry <paramref name="entry"/> in file order; its hex when its lines gave none.</summary>
    public IReadOnlyList<string> GetIds(int entry)
    {
        var ids = Ids.Get(entry);
        return ids.Length == 0 ? [GetHex(entry)] : ids;
    }

    /// <summary>The first id of entry <paramref name="entry"/> (its hex when its lines gave none).</summary>
    public string GetId(int entry) => Ids.GetFirst(entry) ?? GetHex(entry);
}
