using System.Runtime.InteropServices;
using ScanProxy.Pdq.Decoding;
using ScanProxy.Pdq.Hashing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ScanProxy.Pdq;

/// <summary>
/// Meta's PDQ hash, full-resolution variant (SPEC §5), bit for bit as the reference computes it.
/// Thread-safe; working memory comes from <see cref="System.Buffers.ArrayPool{T}"/> and is reused across calls.
/// </summary>
public static class PdqHasher
{
    /// <summary>
    /// Hashes decoded 8-bit pixels. An RGB image whose pixels all have R = G = B is hashed from the gray value, as the
    /// reference's decoder hands such images over as gray.
    /// </summary>
    /// <param name="pixels">The pixels, row by row.</param>
    /// <param name="width">Pixels per row.</param>
    /// <param name="height">Rows.</param>
    /// <param name="stride">Bytes from the start of one row to the next (at least width times the pixel size).</param>
    /// <param name="format">The layout of a pixel.</param>
    /// <param name="dihedral">Whether to compute the eight dihedral hashes as well.</param>
    public static PdqResult HashPixels(ReadOnlySpan<byte> pixels, int width, int height, int stride, PdqPixelFormat format, bool dihedral)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var bytesPerPixel = format switch
        {
            PdqPixelFormat.Rgb24 => 3,
            PdqPixelFormat.Rgba32 => 4,
            PdqPixelFormat.L8 => 1,
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Not a pixel format."),
        };
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, width * bytesPerPixel);
        if (pixels.Length < ((long)stride * (height - 1)) + (width * bytesPerPixel))
        {
            throw new ArgumentException($"{width}x{height} pixels with a stride of {stride} need more than {pixels.Length} bytes.", nameof(pixels));
        }

        var isGray = Luma.IsGray(pixels, width, height, stride, bytesPerPixel);
        return PdqPipeline.Hash(new PixelSource(pixels, width, height, stride, bytesPerPixel, isGray), dihedral);
    }

    /// <summary>Decodes an encoded image (JPEG, PNG, GIF, WebP or BMP) and hashes it.</summary>
    /// <exception cref="ImageDecodeException">The bytes are not a decodable image within <paramref name="options"/>.</exception>
    public static PdqResult HashImage(ReadOnlySpan<byte> encoded, ImageDecodeOptions options, bool dihedral)
    {
        using var image = ImageDecoder.Decode(encoded, options);
        return HashDecoded(image, dihedral);
    }

    /// <summary>Decodes an encoded image read from <paramref name="encoded"/> (to its end) and hashes it.</summary>
    /// <exception cref="ImageDecodeException">The bytes are not a decodable image within <paramref name="options"/>.</exception>
    public static PdqResult HashImage(Stream encoded, ImageDecodeOptions options, bool dihedral)
    {
        using var image = ImageDecoder.Decode(encoded, options);
        return HashDecoded(image, dihedral);
    }

    internal static PdqResult HashDecoded(Image image, bool dihedral) => image switch
    {
        Image<L8> gray => HashPixels(PixelBytes(gray), gray.Width, gray.Height, gray.Width, PdqPixelFormat.L8, dihedral),
        Image<Rgb24> rgb => HashPixels(PixelBytes(rgb), rgb.Width, rgb.Height, rgb.Width * 3, PdqPixelFormat.Rgb24, dihedral),
        _ => throw new ArgumentException($"Images of {image.PixelType.BitsPerPixel} bits a pixel are not decoded here.", nameof(image)),
    };

    private static ReadOnlySpan<byte> PixelBytes<TPixel>(Image<TPixel> image)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        if (!image.DangerousTryGetSinglePixelMemory(out var memory))
        {
            throw new ImageDecodeException(ImageDecodeError.TooLarge, $"The {image.Width}x{image.Height} image does not fit one buffer.");
        }

        return MemoryMarshal.AsBytes(memory.Span);
    }
}
