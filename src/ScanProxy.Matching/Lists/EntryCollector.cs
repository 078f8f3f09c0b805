namespace ScanProxy.Matching;

/// <summary>Collects the entry lines of one file and folds them into the list's searchable form.</summary>
internal abstract class EntryCollector : IHashListSink
{
    /// <summary>The number of entry lines collected.</summary>
    public abstract int Lines { get; }

    public static EntryCollector For(HashListKind kind) => kind switch
    {
        HashListKind.Pdq => new PdqCollector(),
        HashListKind.Md5 => new ExactCollector<Digest16>(kind),
        HashListKind.Sha1 => new ExactCollector<Digest20>(kind),
        HashListKind.Sha256 => new ExactCollector<Digest32>(kind),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown hash-list kind."),
    };

    public abstract void Add(HashListKind kind, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> id);

    public abstract void Reset();

    /// <summary>The number of distinct entries, without building the searchable form.</summary>
    public abstract int CountDistinct();

    /// <summary>Folds duplicates and builds the searchable form: a <see cref="PdqIndex"/> or an <see cref="ExactHashSet"/>.</summary>
    public abstract object Build();
}
