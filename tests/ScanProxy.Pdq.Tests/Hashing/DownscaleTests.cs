using System.Runtime.Intrinsics.X86;
using ScanProxy.Pdq.Hashing;

namespace ScanProxy.Pdq.Tests.Hashing;

/// <summary>
/// The vectorised blur (transposed row strips, 32 columns a step, luma fused into the first pass) against the
/// one-sample-at-a-time version in the reference's loop order: the 64x64 blocks must be bit-identical.
/// </summary>
public class DownscaleTests
{
    private static IEnumerable<TestCaseData> Shapes()
    {
        (int Width, int Height)[] sizes = [(5, 5), (7, 9), (13, 40), (64, 64), (65, 33), (100, 100), (129, 257), (320, 240), (333, 77), (700, 31), (1024, 6)];
        foreach (var (width, height) in sizes)
        {
            foreach (var bpp in new[] { 1, 3, 4 })
            {
                yield return new TestCaseData(width, height, bpp, false).SetArgDisplayNames($"{width}x{height}", $"{bpp} bytes");
            }

            yield return new TestCaseData(width, height, 3, true).SetArgDisplayNames($"{width}x{height}", "RGB gray");
        }
    }

    [TestCaseSource(nameof(Shapes))]
    public void Vectorised_downscale_is_bit_identical_to_the_reference_loop_order(int width, int height, int bytesPerPixel, bool grayRgb)
    {
        Assume.That(Avx2.IsSupported, "the vectorised path needs AVX2");
        var stride = (width * bytesPerPixel) + 5; // rows with padding bytes, which must never be read as pixels
        var pixels = new byte[stride * height];
        var random = new Random((width * 7919) + height + bytesPerPixel);
        random.NextBytes(pixels);
        if (grayRgb)
        {
            for (var i = 0; i + 2 < pixels.Length; i += 3)
            {
                pixels[i + 1] = pixels[i + 2] = pixels[i];
            }
        }

        var isGray = bytesPerPixel == 1 || grayRgb;
        var source = new PixelSource(pixels, width, height, stride, bytesPerPixel, isGray);
        var vectorised = new float[64 * 64];
        var scalar = new float[64 * 64];
        PdqPipeline.Downscale(source, vectorised);
        PdqPipeline.DownscaleScalar(source, scalar);

        Assert.That(vectorised.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(scalar.Select(BitConverter.SingleToInt32Bits)));
    }
}
