namespace ScanProxy.Matching;

/// <summary>One version of a hash-list file, loaded and ready to search. Immutable.</summary>
public sealed class HashList
{
    internal HashList(string path, HashListKind kind, string version, long lines, int entryLines, int entries, object searchable)
    {
        Path = path;
        Kind = kind;
        Version = version;
        Lines = lines;
        EntryLines = entryLines;
        Count = entries;
        PdqIndex = searchable as PdqIndex;
        ExactSet = searchable as ExactHashSet;
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>The kind of its entries.</summary>
    public HashListKind Kind { get; }

    /// <summary>The first 16 hex digits of the SHA-256 of the file's bytes.</summary>
    public string Version { get; }

    /// <summary>The number of lines in the file.</summary>
    public long Lines { get; }

    /// <summary>The number of lines that held an entry.</summary>
    public int EntryLines { get; }

    /// <summary>The number of distinct entries.</summary>
    public int Count { get; }

    /// <summary>The number of entry lines folded into an earlier line with the same hash.</summary>
    public int Duplicates => EntryLines - Count;

    /// <summary>The index, for a <see cref="HashListKind.Pdq"/> list.</summary>
    public PdqIndex? PdqIndex { get; }

    /// <summary>The digest set, for an <see cref="HashListKind.Md5"/>, <see cref="HashListKind.Sha1"/> or <see cref="HashListKind.Sha256"/> list.</summary>
    public ExactHashSet? ExactSet { get; }

    /// <summary>Bytes held by the entries, their ids and the index.</summary>
    public long MemoryBytes => PdqIndex?.MemoryBytes ?? ExactSet?.MemoryBytes ?? 0;
}
