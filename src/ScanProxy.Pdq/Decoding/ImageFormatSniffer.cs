namespace ScanProxy.Pdq.Decoding;

/// <summary>
/// Recognises an image format from its signature. It looks at no more than <see cref="HeaderLength"/> bytes and
/// allocates nothing, so the proxy can call it on the first bytes of every response.
/// </summary>
public static class ImageFormatSniffer
{
    /// <summary>The number of leading bytes that is always enough for <see cref="Detect"/>.</summary>
    public const int HeaderLength = 16;

    /// <summary>
    /// The format whose signature <paramref name="firstBytes"/> starts with, or <see cref="ImageKind.Unknown"/>
    /// (also when too few bytes are given to tell).
    /// </summary>
    public static ImageKind Detect(ReadOnlySpan<byte> firstBytes)
    {
        if (firstBytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ImageKind.Jpeg;
        }

        if (firstBytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageKind.Png;
        }

        if (firstBytes.StartsWith("GIF87a"u8) || firstBytes.StartsWith("GIF89a"u8))
        {
            return ImageKind.Gif;
        }

        if (firstBytes.Length >= 12 && firstBytes.StartsWith("RIFF"u8) && firstBytes.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return ImageKind.WebP;
        }

        // "BM" alone is too weak (plain text can start with it); the four reserved bytes of a bitmap header are zero.
        if (firstBytes.Length >= 10 && firstBytes.StartsWith("BM"u8) && firstBytes.Slice(6, 4).IndexOfAnyExcept((byte)0) < 0)
        {
            return ImageKind.Bmp;
        }

        // Classic TIFF (42) and BigTIFF (43), little- and big-endian.
        if (firstBytes.StartsWith("II*\0"u8) || firstBytes.StartsWith("MM\0*"u8) ||
            firstBytes.StartsWith("II+\0"u8) || firstBytes.StartsWith("MM\0+"u8))
        {
            return ImageKind.Tiff;
        }

        return ImageKind.Unknown;
    }
}
