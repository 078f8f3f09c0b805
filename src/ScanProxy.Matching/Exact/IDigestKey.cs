namespace ScanProxy.Matching;

/// <summary>A fixed-size digest used as a sort key; order is that of the digest bytes.</summary>
internal interface IDigestKey<TSelf> : IComparable<TSelf>, IEquatable<TSelf>
    where TSelf : unmanaged, IDigestKey<TSelf>
{
    /// <summary>The number of digest bytes.</summary>
    static abstract int Length { get; }

    /// <summary>Reads the key from exactly <see cref="Length"/> digest bytes.</summary>
    static abstract TSelf Read(ReadOnlySpan<byte> digest);

    /// <summary>Writes the digest bytes.</summary>
    void Write(Span<byte> destination);
}
