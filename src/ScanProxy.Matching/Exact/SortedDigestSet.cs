using System.Runtime.CompilerServices;

namespace ScanProxy.Matching;

/// <summary>An <see cref="ExactHashSet"/> over keys of one digest size.</summary>
internal sealed class SortedDigestSet<TKey> : ExactHashSet
    where TKey : unmanaged, IDigestKey<TKey>
{
    private readonly TKey[] _keys;

    public SortedDigestSet(HashListKind kind, TKey[] keys, EntryIds ids)
        : base(kind, ids)
    {
        _keys = keys;
    }

    public override int Count => _keys.Length;

    public override long MemoryBytes => ((long)Unsafe.SizeOf<TKey>() * _keys.LongLength) + Ids.MemoryBytes;

    public override bool Contains(ReadOnlySpan<byte> digest, out int entry)
    {
        if (digest.Length != TKey.Length)
        {
            throw new ArgumentException($"A {Kind.DisplayName()} has {TKey.Length} bytes; got {digest.Length}.", nameof(digest));
        }

        entry = _keys.AsSpan().BinarySearch(TKey.Read(digest));
        return entry >= 0;
    }

    public override string GetHex(int entry)
    {
        Span<byte> bytes = stackalloc byte[TKey.Length];
        _keys[entry].Write(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
