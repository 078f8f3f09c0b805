using ScanProxy.Pdq.Hashing;

namespace ScanProxy.Pdq.Tests.Hashing;

public class StageTests
{
    [Test]
    public void Vectorised_dct_is_bit_identical_to_the_reference_loop_order()
    {
        var random = new Random(11);
        var a = new float[64 * 64];
        for (var trial = 0; trial < 20; trial++)
        {
            for (var i = 0; i < a.Length; i++)
            {
                a[i] = trial % 2 == 0 ? (float)(random.NextDouble() * 255) : (float)Math.Round(random.NextDouble() * 3);
            }

            var vectorised = new float[256];
            var scalar = new float[256];
            Dct.Compute(a, vectorised);
            Dct.ComputeScalar(a, scalar);
            Assert.That(vectorised.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(scalar.Select(BitConverter.SingleToInt32Bits)));
        }
    }

    [TestCase(3)]
    [TestCase(4)]
    public void IsGray_finds_a_single_colour_pixel_anywhere(int bytesPerPixel)
    {
        const int width = 37, height = 5, stride = (37 * 4) + 3;
        var pixels = new byte[stride * height];
        var random = new Random(bytesPerPixel);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var v = (byte)random.Next(256);
                var at = (y * stride) + (x * bytesPerPixel);
                pixels[at] = pixels[at + 1] = pixels[at + 2] = v;
                if (bytesPerPixel == 4)
                {
                    pixels[at + 3] = (byte)random.Next(256);
                }
            }
        }

        Assert.That(Luma.IsGray(pixels, width, height, stride, bytesPerPixel), Is.True);
        foreach (var (x, y, channel) in new[] { (0, 0, 1), (15, 2, 2), (16, 3, 1), (36, 4, 2), (33, 4, 1) })
        {
            var at = (y * stride) + (x * bytesPerPixel) + channel;
            pixels[at] ^= 1;
            Assert.That(Luma.IsGray(pixels, width, height, stride, bytesPerPixel), Is.False, $"pixel ({x},{y}) channel {channel}");
            pixels[at] ^= 1;
        }
    }

    [Test]
    public void Window_sizes_are_the_ceiling_of_a_128th()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BoxFilter.WindowSize(320), Is.EqualTo(3));
            Assert.That(BoxFilter.WindowSize(240), Is.EqualTo(2));
            Assert.That(BoxFilter.WindowSize(1600), Is.EqualTo(13));
            Assert.That(BoxFilter.WindowSize(1004), Is.EqualTo(8));
            Assert.That(BoxFilter.WindowSize(4032), Is.EqualTo(32));
            Assert.That(BoxFilter.WindowSize(100), Is.EqualTo(1));
        });
    }

    [Test]
    public void Decimation_samples_band_centres_with_the_double_index_formula()
    {
        var rows = new int[64];
        var columns = new int[64];
        Decimation.SampleIndices(1004, rows);
        Decimation.SampleIndices(1600, columns);
        Assert.Multiple(() =>
        {
            Assert.That((rows[0], rows[1], rows[63]), Is.EqualTo((7, 23, 996)));
            Assert.That((columns[0], columns[1], columns[63]), Is.EqualTo((12, 37, 1587)));
        });
    }

    [Test]
    public void A_window_of_1_still_runs_the_running_sum()
    {
        // (x0 + x1) - x0 is not x1 in float32: the reference's window-1 filter is not a copy.
        float[] input = [1e8f, 3f, 7f, 1f];
        var output = new float[4];
        BoxFilter.Box1D(input, output, 4, 1, 1);
        Assert.That(output[1], Is.EqualTo((1e8f + 3f) - 1e8f));
        Assert.That(output[1], Is.Not.EqualTo(3f));
    }
}
