namespace ScanProxy.Matching;

/// <summary>A collector for a file whose kind is decided by its first entry line.</summary>
internal sealed class DeferredCollector : IHashListSink
{
    public EntryCollector? Inner { get; private set; }

    public void Add(HashListKind kind, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> id)
    {
        Inner ??= EntryCollector.For(kind);
        Inner.Add(kind, digest, id);
    }

    public void Reset() => Inner = null;
}
