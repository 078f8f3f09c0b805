using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace ScanProxy.Scanning;

/// <summary>
/// Undoes a response's Content-Encoding (gzip, br, deflate, or a list of them) so that the object's own bytes are
/// scanned. The output goes into pooled memory and stops at the object limit: a decompression bomb costs at most
/// that much memory and is reported as too large.
/// </summary>
internal static class ContentDecoding
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>True when <paramref name="contentEncoding"/> leaves the bytes as they are.</summary>
    public static bool IsIdentity(string? contentEncoding)
    {
        var rest = contentEncoding.AsSpan();
        while (NextCodingFromEnd(ref rest, out var coding))
        {
            if (!coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Decodes <paramref name="encoded"/>, undoing the codings of <paramref name="contentEncoding"/> from the last
    /// applied to the first. On success the caller owns <paramref name="decoded"/>.
    /// </summary>
    public static ContentDecodeStatus TryDecode(PooledBody encoded, string? contentEncoding, long limit, out PooledBody? decoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        decoded = null;
        PooledBody? current = null;
        var rest = contentEncoding.AsSpan();
        try
        {
            while (NextCodingFromEnd(ref rest, out var coding))
            {
                if (coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var input = (current ?? encoded).Memory;
                var output = new PooledBody(expectedLength: null, limit);
                var status = Decode(input, coding, output);
                current?.Dispose();
                current = output;
                if (status != ContentDecodeStatus.Decoded)
                {
                    return status;
                }
            }

            decoded = current;
            current = null;
            return ContentDecodeStatus.Decoded;
        }
        finally
        {
            current?.Dispose();
        }
    }

    private static ContentDecodeStatus Decode(ReadOnlyMemory<byte> input, ReadOnlySpan<char> coding, PooledBody output)
    {
        if (!MemoryMarshal.TryGetArray(input, out var segment))
        {
            throw new InvalidOperationException("A pooled body is always backed by an array.");
        }

        using var source = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false);
        using var decoder = CreateDecoder(source, coding, input.Span);
        if (decoder is null)
        {
            return ContentDecodeStatus.Unsupported;
        }

        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = decoder.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (!output.TryAppend(chunk.AsSpan(0, read)))
                {
                    return ContentDecodeStatus.TooLarge;
                }
            }

            return ContentDecodeStatus.Decoded;
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException)
        {
            // BrotliStream reports invalid data as an InvalidOperationException, the zlib streams as InvalidDataException.
            return ContentDecodeStatus.Corrupt;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static Stream? CreateDecoder(Stream source, ReadOnlySpan<char> coding, ReadOnlySpan<byte> data)
    {
        if (coding.Equals("gzip", StringComparison.OrdinalIgnoreCase) || coding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
        {
            return new GZipStream(source, CompressionMode.Decompress);
        }

        if (coding.Equals("br", StringComparison.OrdinalIgnoreCase))
        {
            return new BrotliStream(source, CompressionMode.Decompress);
        }

        if (coding.Equals("deflate", StringComparison.OrdinalIgnoreCase))
        {
            // HTTP's "deflate" is the zlib format, but some servers send raw deflate: tell them apart by the zlib header.
            return HasZlibHeader(data)
                ? new ZLibStream(source, CompressionMode.Decompress)
                : new DeflateStream(source, CompressionMode.Decompress);
        }

        return null;
    }

    // RFC 1950: compression method 8 with a window of at most 32 KiB, and a header checksum that is a multiple of 31.
    private static bool HasZlibHeader(ReadOnlySpan<byte> data) =>
        data.Length >= 2 && (data[0] & 0x0F) == 8 && (data[0] >> 4) <= 7 && ((data[0] << 8) | data[1]) % 31 == 0;

    // Codings are listed in the order they were applied; they are undone from the last.
    private static bool NextCodingFromEnd(ref ReadOnlySpan<char> rest, out ReadOnlySpan<char> coding)
    {
        while (!rest.IsEmpty)
        {
            var comma = rest.LastIndexOf(',');
            coding = rest[(comma + 1)..].Trim();
            rest = comma < 0 ? [] : rest[..comma];
            if (!coding.IsEmpty)
            {
                return true;
            }
        }

        coding = default;
        return false;
    }
}
