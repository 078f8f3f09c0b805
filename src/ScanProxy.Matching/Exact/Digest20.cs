using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ScanProxy.Matching;

/// <summary>A 20-byte digest (SHA-1), packed so that an array of them takes 20 bytes per key.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal readonly record struct Digest20(ulong High, ulong Middle, uint Low) : IDigestKey<Digest20>
{
    public static int Length => 20;

    public static Digest20 Read(ReadOnlySpan<byte> digest) => new(
        BinaryPrimitives.ReadUInt64BigEndian(digest),
        BinaryPrimitives.ReadUInt64BigEndian(digest[8..]),
        BinaryPrimitives.ReadUInt32BigEndian(digest[16..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Middle);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], Low);
    }

    public int CompareTo(Digest20 other)
    {
        var c = High.CompareTo(other.High);
        if (c == 0)
        {
            c = Middle.CompareTo(other.Middle);
        }

        return c != 0 ? c : Low.CompareTo(other.Low);
    }
}
