using System.Buffers.Binary;

namespace ScanProxy.Matching;

/// <summary>A 32-byte digest (SHA-256).</summary>
internal readonly record struct Digest32(UInt128 High, UInt128 Low) : IDigestKey<Digest32>
{
    public static int Length => 32;

    public static Digest32 Read(ReadOnlySpan<byte> digest) => new(
        BinaryPrimitives.ReadUInt128BigEndian(digest),
        BinaryPrimitives.ReadUInt128BigEndian(digest[16..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt128BigEndian(destination, High);
        BinaryPrimitives.WriteUInt128BigEndian(destination[16..], Low);
    }

    public int CompareTo(Digest32 other)
    {
        var c = High.CompareTo(other.High);
        return c != 0 ? c : Low.CompareTo(other.Low);
    }
}
