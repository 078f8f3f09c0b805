using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ScanProxy.Scanning;

/// <summary>
/// The SHA-256 of an object's bytes, as four words: the key of the verdict cache, compared and hashed without
/// allocating. <see cref="ToHex"/> gives the form the store keys digests by.
/// </summary>
internal readonly record struct ObjectDigest(ulong W0, ulong W1, ulong W2, ulong W3)
{
    /// <summary>The digest of <paramref name="data"/>.</summary>
    public static ObjectDigest Compute(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, digest);
        return new ObjectDigest(
            BinaryPrimitives.ReadUInt64BigEndian(digest),
            BinaryPrimitives.ReadUInt64BigEndian(digest[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(digest[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(digest[24..]));
    }

    /// <summary>The 32 digest bytes, as exact lists hold them.</summary>
    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, W0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], W1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], W2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], W3);
    }

    /// <summary>The digest in lower-case hex (64 characters).</summary>
    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[SHA256.HashSizeInBytes];
        CopyTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
