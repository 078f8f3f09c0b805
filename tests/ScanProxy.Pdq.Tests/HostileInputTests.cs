using System.Buffers.Binary;
using ScanProxy.Pdq;
using ScanProxy.Pdq.Decoding;
using ScanProxy.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace ScanProxy.Pdq.Tests;

/// <summary>What happens to each kind of bad input: a typed <see cref="ImageDecodeException"/>, never a crash or a hash.</summary>
public class HostileInputTests
{
    private static byte[] DevJpeg() => File.ReadAllBytes(Path.Combine(TestPaths.DevCorpus, "cimg-examples__parrot.jpg"));

    private static byte[] DevPng() => File.ReadAllBytes(Path.Combine(TestPaths.PdqReference, "png", "cimg-examples__parrot.png"));

    private static ImageDecodeError ReasonFor(byte[] bytes, ImageDecodeOptions? options = null)
    {
        var e = Assert.Throws<ImageDecodeException>(() => PdqHasher.HashImage(bytes, options ?? ImageDecodeOptions.Default, dihedral: false));
        return e!.Reason;
    }

    [Test]
    public void Zero_bytes_are_reported_as_empty()
    {
        Assert.That(ReasonFor([]), Is.EqualTo(ImageDecodeError.Empty));
    }

    [Test]
    public void An_empty_stream_is_reported_as_empty()
    {
        using var stream = new MemoryStream();
        var e = Assert.Throws<ImageDecodeException>(() => PdqHasher.HashImage(stream, ImageDecodeOptions.Default, dihedral: false));
        Assert.That(e!.Reason, Is.EqualTo(ImageDecodeError.Empty));
    }

    [Test]
    public void Random_bytes_are_reported_as_unsupported()
    {
        var bytes = new byte[4096];
        new Random(20260101).NextBytes(bytes);
        bytes[0] = 0x42; // not the first byte of any signature sniffed here
        Assert.That(ReasonFor(bytes), Is.EqualTo(ImageDecodeError.Unsupported));
    }

    [Test]
    public void Random_bytes_behind_a_jpeg_signature_are_reported_as_corrupt()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0xFF;
        bytes[1] = 0xD8;
        bytes[2] = 0xFF;
        Assert.That(ReasonFor(bytes), Is.AnyOf(ImageDecodeError.Corrupt, ImageDecodeError.Truncated));
    }

    [TestCase(0.5)]
    [TestCase(0.1)]
    public void A_truncated_jpeg_is_reported_as_truncated(double keep)
    {
        var jpeg = DevJpeg();
        Assert.That(ReasonFor(jpeg[..(int)(jpeg.Length * keep)]), Is.EqualTo(ImageDecodeError.Truncated));
    }

    [Test]
    public void A_truncated_png_is_reported_as_truncated()
    {
        var png = DevPng();
        Assert.That(ReasonFor(png[..(png.Length / 2)]), Is.EqualTo(ImageDecodeError.Truncated));
    }

    [Test]
    public void A_png_header_claiming_20000x20000_is_refused_as_too_large_before_decoding()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.That(ReasonFor(PngHeaderOnly(20000, 20000)), Is.EqualTo(ImageDecodeError.TooLarge));

        // 400 megapixels would need over a gigabyte; refusing from the header allocates next to nothing.
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(16 * 1024 * 1024));
    }

    [Test]
    public void The_pixel_limit_comes_from_the_options()
    {
        var options = ImageDecodeOptions.Default with { MaxPixels = 1000 };
        Assert.That(ReasonFor(DevPng(), options), Is.EqualTo(ImageDecodeError.TooLarge));
    }

    [Test]
    public void The_encoded_size_limit_comes_from_the_options()
    {
        var options = ImageDecodeOptions.Default with { MaxEncodedBytes = 1000 };
        Assert.That(ReasonFor(DevPng(), options), Is.EqualTo(ImageDecodeError.TooLarge));
    }

    [Test]
    public void A_png_header_with_zero_width_is_reported_as_zero_size()
    {
        Assert.That(ReasonFor(PngHeaderOnly(0, 100)), Is.EqualTo(ImageDecodeError.ZeroSize));
    }

    [Test]
    public void A_tiff_is_recognised_but_reported_as_unsupported()
    {
        byte[] tiff = [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.That(ReasonFor(tiff), Is.EqualTo(ImageDecodeError.Unsupported));
    }

    [TestCase(1, 1)]
    [TestCase(4, 4)]
    [TestCase(4, 100)]
    public void An_image_with_a_side_below_5_hashes_to_zero_with_quality_0(int width, int height)
    {
        using var image = new Image<Rgb24>(width, height, new Rgb24(200, 10, 30));
        image[0, 0] = new Rgb24(0, 255, 0);
        using var encoded = new MemoryStream();
        image.SaveAsPng(encoded);

        var result = PdqHasher.HashImage(encoded.ToArray(), ImageDecodeOptions.Default, dihedral: true);

        Assert.Multiple(() =>
        {
            Assert.That(result.Hash, Is.EqualTo(PdqHash.Zero));
            Assert.That(result.Quality, Is.Zero);
            Assert.That(result.Dihedral.AsSpan().ToArray(), Is.All.EqualTo(PdqHash.Zero));
            Assert.That((result.Width, result.Height), Is.EqualTo((width, height)));
        });
    }

    [Test]
    public void A_16_bit_png_is_reduced_to_8_bits_by_scaling_not_by_its_low_byte()
    {
        // Each 16-bit sample is v*257 plus noise under half a step: scaled to 8 bits it is exactly v, while its low
        // byte (what the reference's decoder path uses) is noise.
        const int width = 160, height = 120;
        using var wide = new Image<Rgb48>(width, height);
        using var narrow = new Image<Rgb24>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var r = (byte)(x * 255 / width);
                var g = (byte)(y * 255 / height);
                var b = (byte)((x * y) % 256);
                var noise = ((x * 7) + (y * 13)) % 200 - 100;
                narrow[x, y] = new Rgb24(r, g, b);
                wide[x, y] = new Rgb48(Wide(r, noise), Wide(g, -noise), Wide(b, noise / 2));
            }
        }

        var wideResult = PdqHasher.HashImage(Encode(wide, PngBitDepth.Bit16), ImageDecodeOptions.Default, dihedral: false);
        var narrowResult = PdqHasher.HashImage(Encode(narrow, PngBitDepth.Bit8), ImageDecodeOptions.Default, dihedral: false);

        Assert.Multiple(() =>
        {
            Assert.That(wideResult.Hash, Is.EqualTo(narrowResult.Hash));
            Assert.That(wideResult.Quality, Is.EqualTo(narrowResult.Quality));
            Assert.That(narrowResult.Quality, Is.EqualTo(100));
        });

        static ushort Wide(byte v, int noise) => (ushort)Math.Clamp((v * 257) + noise, 0, 65535);
    }

    private static byte[] Encode<TPixel>(Image<TPixel> image, PngBitDepth depth)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, new PngEncoder { BitDepth = depth, ColorType = PngColorType.Rgb });
        return stream.ToArray();
    }

    /// <summary>A PNG signature, a valid IHDR for an 8-bit RGB image of the given size, and IEND: no pixel data.</summary>
    internal static byte[] PngHeaderOnly(int width, int height)
    {
        using var stream = new MemoryStream();
        stream.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // colour type RGB
        WriteChunk(stream, "IHDR", ihdr);
        WriteChunk(stream, "IEND", []);
        return stream.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        stream.Write(number);
        var typeAndData = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        stream.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typeAndData));
        stream.Write(number);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
