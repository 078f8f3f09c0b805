using System.Buffers;
using System.IO.Compression;

namespace ScanProxy.Scanning.Tee;

/// <summary>
/// Decodes the first bytes of a Content-Encoded body from a prefix of it, to recognise an image inside. Only a
/// sniff: the scanner decodes the whole body itself.
/// </summary>
internal static class EncodedPrefix
{
    /// <summary>
    /// Decodes as much of the first <paramref name="length"/> bytes of <paramref name="encoded"/> as fits in
    /// <paramref name="destination"/>. A prefix that ends mid-stream is fine: <paramref name="written"/> is then
    /// what it held.
    /// </summary>
    /// <returns>False when the bytes are not a valid stream of that coding.</returns>
    public static bool TryDecode(ContentCoding coding, byte[] encoded, int length, Span<byte> destination, out int written)
    {
        switch (coding)
        {
            case ContentCoding.Brotli:
                using (var decoder = new BrotliDecoder())
                {
                    var status = decoder.Decompress(encoded.AsSpan(0, length), destination, out _, out written);
                    return status != OperationStatus.InvalidData;
                }

            case ContentCoding.Gzip:
                return TryInflate(encoded, length, destination, static input => new GZipStream(input, CompressionMode.Decompress), out written);

            case ContentCoding.Deflate:
                // RFC 9110 says zlib; some servers send raw deflate. A zlib header is recognisable.
                return IsZlibHeader(encoded.AsSpan(0, length))
                    ? TryInflate(encoded, length, destination, static input => new ZLibStream(input, CompressionMode.Decompress), out written)
                    : TryInflate(encoded, length, destination, static input => new DeflateStream(input, CompressionMode.Decompress), out written);

            default:
                throw new ArgumentOutOfRangeException(nameof(coding), coding, "Not a coding the tee decodes.");
        }
    }

    private static bool IsZlibHeader(ReadOnlySpan<byte> encoded) =>
        encoded.Length >= 2 && (encoded[0] & 0x0F) == 8 && (encoded[0] >> 4) <= 7 && ((encoded[0] << 8) | encoded[1]) % 31 == 0;

    private static bool TryInflate(byte[] encoded, int length, Span<byte> destination, Func<Stream, Stream> open, out int written)
    {
        using var inflater = open(new MemoryStream(encoded, 0, length, writable: false));
        try
        {
            written = inflater.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
            return true;
        }
        catch (InvalidDataException)
        {
            written = 0;
            return false;
        }
    }
}
