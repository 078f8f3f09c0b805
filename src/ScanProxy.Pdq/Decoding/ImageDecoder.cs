using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;

namespace ScanProxy.Pdq.Decoding;

/// <summary>
/// Decodes untrusted image bytes: the format is sniffed here, the header is read with <c>Identify</c> and checked
/// against the limits before any pixel memory is allocated, and every failure becomes an <see cref="ImageDecodeException"/>.
/// Images are decoded straight into the pixel format the hasher reads: <see cref="L8"/> for gray sources, else <see cref="Rgb24"/>.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>Decodes an image held in memory.</summary>
    public static unsafe Image Decode(ReadOnlySpan<byte> encoded, ImageDecodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (encoded.IsEmpty)
        {
            throw new ImageDecodeException(ImageDecodeError.Empty, "The image has no bytes.");
        }

        if (encoded.Length > options.MaxEncodedBytes)
        {
            throw TooManyBytes(encoded.Length, options);
        }

        fixed (byte* start = encoded)
        {
            using var stream = new UnmanagedMemoryStream(start, encoded.Length);
            return DecodeSeekable(stream, encoded, options);
        }
    }

    /// <summary>Decodes an image read from a stream (from its current position to its end).</summary>
    public static Image Decode(Stream encoded, ImageDecodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        ArgumentNullException.ThrowIfNull(options);

        // The container is checked for truncation before decoding, which needs all of it in memory anyway.
        using var copy = CopyBounded(encoded, options);
        return Decode(copy.GetBuffer().AsSpan(0, (int)copy.Length), options);
    }

    private static Image DecodeSeekable(Stream stream, ReadOnlySpan<byte> encoded, ImageDecodeOptions options)
    {
        var kind = ImageFormatSniffer.Detect(encoded);
        var set = DecoderSet.For(options.MaxAllocationBytes);
        var decoder = set.DecoderFor(kind) ?? throw new ImageDecodeException(
            ImageDecodeError.Unsupported,
            kind == ImageKind.Tiff ? "TIFF images are not decoded." : "Not a JPEG, PNG, GIF, WebP or BMP image.");

        try
        {
            var info = ((IImageInfoDetector)decoder).Identify(set.Configuration, stream, CancellationToken.None)
                ?? throw new ImageDecodeException(ImageDecodeError.Corrupt, $"The {kind} header could not be read.");
            if (info.Width <= 0 || info.Height <= 0)
            {
                throw new ImageDecodeException(ImageDecodeError.ZeroSize, $"The {kind} header gives a size of {info.Width}x{info.Height}.");
            }

            if ((long)info.Width * info.Height > options.MaxPixels)
            {
                throw new ImageDecodeException(
                    ImageDecodeError.TooLarge,
                    $"The image is {info.Width}x{info.Height}, over the limit of {options.MaxPixels} pixels.");
            }

            if (TruncationCheck.IsTruncated(kind, encoded))
            {
                throw new ImageDecodeException(ImageDecodeError.Truncated, $"The {kind} data ends before the image does.");
            }

            stream.Position = 0;
            return IsGraySource(info)
                ? decoder.Decode<L8>(set.Configuration, stream, CancellationToken.None)
                : decoder.Decode<Rgb24>(set.Configuration, stream, CancellationToken.None);
        }
        catch (InvalidMemoryOperationException e)
        {
            throw new ImageDecodeException(ImageDecodeError.TooLarge, $"The {kind} image needs more memory than the allocation limit allows.", e);
        }
        catch (EndOfStreamException e)
        {
            throw new ImageDecodeException(ImageDecodeError.Truncated, $"The {kind} data ends early.", e);
        }
        catch (NotSupportedException e)
        {
            throw new ImageDecodeException(ImageDecodeError.Unsupported, $"The {kind} image uses a feature that is not supported: {e.Message}", e);
        }
        catch (Exception e) when (e is ImageFormatException or InvalidDataException or ArgumentException or IndexOutOfRangeException or InvalidOperationException or OverflowException)
        {
            // Hostile data can trip any check inside a decoder; what it means for the caller is always "not a valid image".
            throw new ImageDecodeException(ImageDecodeError.Corrupt, $"The {kind} data is not a valid image: {e.Message}", e);
        }
    }

    /// <summary>Gray PNGs and single-component JPEGs decode straight to one byte a pixel.</summary>
    private static bool IsGraySource(IImageInfo info)
    {
        var png = info.Metadata.GetPngMetadata();
        if (png.ColorType is PngColorType.Grayscale or PngColorType.GrayscaleWithAlpha)
        {
            return true;
        }

        return info.Metadata.GetJpegMetadata().ColorType == JpegColorType.Luminance;
    }

    private static MemoryStream CopyBounded(Stream encoded, ImageDecodeOptions options)
    {
        var remaining = encoded.CanSeek ? Math.Max(0, encoded.Length - encoded.Position) : 0;
        if (remaining > options.MaxEncodedBytes)
        {
            throw TooManyBytes(remaining, options);
        }

        var copy = new MemoryStream((int)remaining);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = encoded.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (copy.Length + read > options.MaxEncodedBytes)
                {
                    throw TooManyBytes(copy.Length + read, options);
                }

                copy.Write(buffer, 0, read);
            }
        }
        catch
        {
            copy.Dispose();
            throw;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        return copy;
    }

    private static ImageDecodeException TooManyBytes(long length, ImageDecodeOptions options) =>
        new(ImageDecodeError.TooLarge, $"The image is {length} bytes, over the limit of {options.MaxEncodedBytes} bytes.");
}
