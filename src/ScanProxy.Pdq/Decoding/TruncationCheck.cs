using System.Buffers.Binary;

namespace ScanProxy.Pdq.Decoding;

/// <summary>
/// Tells whether encoded data stops before its image ends, by walking the container's structure (JPEG markers, PNG
/// chunks, the RIFF size of WebP, the file size of a bitmap). ImageSharp decodes a cut-off JPEG or PNG without
/// complaint and fills the missing part, which would hash a different picture; such input is refused instead.
/// Anything odd other than an early end is left to the decoder to judge.
/// </summary>
internal static class TruncationCheck
{
    private const byte MarkerPrefix = 0xFF;
    private const byte EndOfImage = 0xD9;
    private const byte StartOfScan = 0xDA;
    private const byte FirstRestart = 0xD0;
    private const byte LastRestart = 0xD7;
    private const byte Temporary = 0x01;

    public static bool IsTruncated(ImageKind kind, ReadOnlySpan<byte> data) => kind switch
    {
        ImageKind.Jpeg => JpegIsTruncated(data),
        ImageKind.Png => PngIsTruncated(data),
        ImageKind.WebP => data.Length >= 8 && 8L + BinaryPrimitives.ReadUInt32LittleEndian(data[4..]) > data.Length,
        ImageKind.Bmp => data.Length >= 6 && BinaryPrimitives.ReadUInt32LittleEndian(data[2..]) > data.Length,
        _ => false,
    };

    /// <summary>Walks marker segments from SOI; entropy-coded data after SOS runs to the next marker that is not a
    /// stuffed 0xFF00 or a restart marker. Complete when EOI is reached.</summary>
    private static bool JpegIsTruncated(ReadOnlySpan<byte> data)
    {
        var pos = 2;
        while (true)
        {
            if (pos >= data.Length)
            {
                return true;
            }

            if (data[pos] != MarkerPrefix)
            {
                return false;
            }

            while (pos < data.Length && data[pos] == MarkerPrefix)
            {
                pos++;
            }

            if (pos >= data.Length)
            {
                return true;
            }

            var marker = data[pos++];
            if (marker == EndOfImage)
            {
                return false;
            }

            if (marker is (>= FirstRestart and <= LastRestart) or Temporary)
            {
                continue;
            }

            if (pos + 2 > data.Length)
            {
                return true;
            }

            var segmentLength = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            pos += segmentLength;
            if (pos > data.Length)
            {
                return true;
            }

            if (marker == StartOfScan && !SkipEntropyCodedData(data, ref pos))
            {
                return true;
            }
        }
    }

    private static bool SkipEntropyCodedData(ReadOnlySpan<byte> data, ref int pos)
    {
        while (true)
        {
            var next = data[pos..].IndexOf(MarkerPrefix);
            if (next < 0 || pos + next + 1 >= data.Length)
            {
                return false;
            }

            pos += next;
            var following = data[pos + 1];
            if (following == 0 || following is >= FirstRestart and <= LastRestart)
            {
                pos += 2;
                continue;
            }

            return true;
        }
    }

    /// <summary>Hops from chunk to chunk by their lengths; complete when IEND is reached.</summary>
    private static bool PngIsTruncated(ReadOnlySpan<byte> data)
    {
        const int signatureLength = 8;
        const int chunkOverhead = 12; // length, type, CRC
        long pos = signatureLength;
        while (true)
        {
            if (pos + 8 > data.Length)
            {
                return true;
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(data[(int)pos..]);
            var isEnd = data.Slice((int)pos + 4, 4).SequenceEqual("IEND"u8);
            pos += chunkOverhead + (long)length;
            if (pos > data.Length)
            {
                return true;
            }

            if (isEnd)
            {
                return false;
            }
        }
    }
}
