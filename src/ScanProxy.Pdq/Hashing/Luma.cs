namespace ScanProxy.Pdq.Hashing;

/// <summary>Float32 luma, as the reference computes it: <c>(0.299f*R + 0.587f*G) + 0.114f*B</c>, each step rounded to float32.</summary>
internal static class Luma
{
    public const float RedWeight = 0.299f;
    public const float GreenWeight = 0.587f;
    public const float BlueWeight = 0.114f;

    /// <summary>The luma of one RGB pixel, in the reference's order of operations (no fused multiply-add).</summary>
    public static float FromRgb(byte r, byte g, byte b) => (RedWeight * r + GreenWeight * g) + BlueWeight * b;

    /// <summary>
    /// Whether every pixel has R = G = B. The reference's decoder hands such images over as single-channel gray and the
    /// luma is then the gray value itself, which differs from the weighted sum by one ulp for some values.
    /// </summary>
    public static bool IsGray(ReadOnlySpan<byte> pixels, int width, int height, int stride, int bytesPerPixel)
    {
        if (bytesPerPixel == 1)
        {
            return true;
        }

        for (var y = 0; y < height; y++)
        {
            var row = pixels.Slice(y * stride, width * bytesPerPixel);
            for (var x = 0; x < row.Length; x += bytesPerPixel)
            {
                if (row[x] != row[x + 1] || row[x] != row[x + 2])
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Writes the luma of <paramref name="source"/> to a float plane whose rows are <paramref name="planeStride"/> apart.</summary>
    public static void Fill(in PixelSource source, Span<float> plane, int planeStride)
    {
        var bpp = source.BytesPerPixel;
        for (var y = 0; y < source.Height; y++)
        {
            var row = source.Row(y);
            var output = plane.Slice(y * planeStride, source.Width);
            if (source.IsGray)
            {
                for (var x = 0; x < output.Length; x++)
                {
                    output[x] = row[x * bpp];
                }
            }
            else
            {
                for (var x = 0; x < output.Length; x++)
                {
                    var i = x * bpp;
                    output[x] = FromRgb(row[i], row[i + 1], row[i + 2]);
                }
            }
        }
    }
}
