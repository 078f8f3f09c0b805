using ScanProxy.Pdq;
using ScanProxy.Pdq.Decoding;
using ScanProxy.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace ScanProxy.Pdq.Tests;

/// <summary>Every decoded format hashes the pixels it holds; the stream and span entry points agree.</summary>
public class DecodingTests
{
    private static ReferenceVector Parrot() => ReferenceVector.Load("dev-png-fullres.csv")[0];

    private static byte[] Encode(Image image, SixLabors.ImageSharp.Formats.IImageEncoder encoder)
    {
        using var stream = new MemoryStream();
        image.Save(stream, encoder);
        return stream.ToArray();
    }

    [Test]
    public void Lossless_bmp_and_webp_copies_of_a_reference_png_hash_exactly_as_the_reference()
    {
        var vector = Parrot();
        using var image = Image.Load<Rgb24>(vector.ImagePath);
        var bmp = Encode(image, new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 });
        var webp = Encode(image, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless });
        Assert.Multiple(() =>
        {
            Assert.That(ImageFormatSniffer.Detect(bmp), Is.EqualTo(ImageKind.Bmp));
            Assert.That(ImageFormatSniffer.Detect(webp), Is.EqualTo(ImageKind.WebP));
        });
        ReferenceVectorTests.AssertExact(vector, PdqHasher.HashImage(bmp, ImageDecodeOptions.Default, dihedral: true));
        ReferenceVectorTests.AssertExact(vector, PdqHasher.HashImage(webp, ImageDecodeOptions.Default, dihedral: true));
    }

    [Test]
    public void A_gif_hashes_its_first_frame_only()
    {
        using var first = new Image<Rgb24>(120, 90);
        using var second = new Image<Rgb24>(120, 90);
        for (var y = 0; y < 90; y++)
        {
            for (var x = 0; x < 120; x++)
            {
                first[x, y] = (x / 15 + y / 15) % 2 == 0 ? new Rgb24(255, 255, 255) : new Rgb24(0, 0, 0);
                second[x, y] = x < 60 ? new Rgb24(255, 0, 0) : new Rgb24(0, 0, 255);
            }
        }

        var firstOnly = Encode(first, new GifEncoder());
        first.Frames.AddFrame(second.Frames.RootFrame);
        var animated = Encode(first, new GifEncoder());
        var secondOnly = Encode(second, new GifEncoder());

        var animatedHash = PdqHasher.HashImage(animated, ImageDecodeOptions.Default, dihedral: false);
        Assert.Multiple(() =>
        {
            Assert.That(ImageFormatSniffer.Detect(animated), Is.EqualTo(ImageKind.Gif));
            Assert.That(animatedHash.Hash, Is.EqualTo(PdqHasher.HashImage(firstOnly, ImageDecodeOptions.Default, dihedral: false).Hash));
            Assert.That(animatedHash.Hash, Is.Not.EqualTo(PdqHasher.HashImage(secondOnly, ImageDecodeOptions.Default, dihedral: false).Hash));
            Assert.That(animatedHash.Quality, Is.EqualTo(100));
        });
    }

    [Test]
    public void Stream_and_span_entry_points_give_the_same_result_seekable_or_not()
    {
        var vector = Parrot();
        var bytes = File.ReadAllBytes(Path.Combine(TestPaths.DevCorpus, "cimg-examples__parrot.jpg"));
        var fromSpan = PdqHasher.HashImage(bytes, ImageDecodeOptions.Default, dihedral: true);
        using var seekable = new MemoryStream(bytes);
        using var forwardOnly = new ForwardOnlyStream(bytes);
        var fromSeekable = PdqHasher.HashImage(seekable, ImageDecodeOptions.Default, dihedral: true);
        var fromForwardOnly = PdqHasher.HashImage(forwardOnly, ImageDecodeOptions.Default, dihedral: true);
        Assert.Multiple(() =>
        {
            Assert.That(fromSeekable.Dihedral, Is.EqualTo(fromSpan.Dihedral));
            Assert.That(fromForwardOnly.Dihedral, Is.EqualTo(fromSpan.Dihedral));
            Assert.That(fromSpan.Hash.DistanceTo(vector.Hash), Is.LessThanOrEqualTo(2), "JPEG decoded by ImageSharp, within its tolerance");
        });
    }

    [Test]
    public void An_rgb_image_whose_pixels_are_all_gray_hashes_as_its_gray_png()
    {
        var vector = ReferenceVector.Load("synthetic-fullres.csv").Single(v => v.File.Contains("s12_", StringComparison.Ordinal));
        using var gray = Image.Load<L8>(vector.ImagePath);
        using var rgb = gray.CloneAs<Rgb24>();
        var rgbPng = Encode(rgb, new PngEncoder { ColorType = PngColorType.Rgb });
        ReferenceVectorTests.AssertExact(vector, PdqHasher.HashImage(rgbPng, ImageDecodeOptions.Default, dihedral: true));
    }

    [Test]
    public void Hash_pixels_accepts_rgba_rows_with_padding_and_ignores_alpha()
    {
        var vector = Parrot();
        using var image = Image.Load<Rgba32>(vector.ImagePath);
        var stride = (image.Width * 4) + 12;
        var pixels = new byte[stride * image.Height];
        var random = new Random(3);
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var p = image[x, y];
                var at = (y * stride) + (x * 4);
                (pixels[at], pixels[at + 1], pixels[at + 2], pixels[at + 3]) = (p.R, p.G, p.B, (byte)random.Next(256));
            }
        }

        ReferenceVectorTests.AssertExact(vector, PdqHasher.HashPixels(pixels, image.Width, image.Height, stride, PdqPixelFormat.Rgba32, dihedral: true));
    }

    [Test]
    public void Hash_pixels_refuses_a_buffer_too_small_for_its_size()
    {
        Assert.That(
            () => PdqHasher.HashPixels(new byte[100], 10, 10, 30, PdqPixelFormat.Rgb24, dihedral: false),
            Throws.ArgumentException);
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
