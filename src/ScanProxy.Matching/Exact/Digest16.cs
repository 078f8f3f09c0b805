using System.Buffers.Binary;

namespace ScanProxy.Matching;

/// <summary>A 16-byte digest (MD5).</summary>
internal readonly record struct Digest16(UInt128 Value) : IDigestKey<Digest16>
{
    public static int Length => 16;

    public static Digest16 Read(ReadOnlySpan<byte> digest) => new(BinaryPrimitives.ReadUInt128BigEndian(digest));

    public void Write(Span<byte> destination) => BinaryPrimitives.WriteUInt128BigEndian(destination, Value);

    public int CompareTo(Digest16 other) => Value.CompareTo(other.Value);
}
