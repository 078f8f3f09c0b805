using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
    /// luma is then the gray value itself, which differs from the weighted sum by one ulp for some values. Colour
    /// images usually answer within the first few pixels; gray ones are scanned 16 pixels a step.
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
            var x = bytesPerPixel == 4 ? GrayRgbaPrefix(row) : GrayRgbPrefix(row);
            if (x < 0)
            {
                return false;
            }

            for (; x < row.Length; x += bytesPerPixel)
            {
                if (row[x] != row[x + 1] || row[x] != row[x + 2])
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Checks whole blocks of 16 RGB24 pixels; returns where the scalar tail starts, or -1 for a colour pixel.</summary>
    private static int GrayRgbPrefix(ReadOnlySpan<byte> row)
    {
        // Each byte is compared with the next one; only R against G and G against B count, so the lanes holding a B
        // (compared with the next pixel's R) are masked out. 48 bytes are 16 whole pixels and three vectors.
        var x = 0;
        for (; x + 49 <= row.Length; x += 48)
        {
            var same0 = Vector128.Equals(Vector128.Create(row[x..]), Vector128.Create(row[(x + 1)..])) | s_rgbIgnore0;
            var same1 = Vector128.Equals(Vector128.Create(row[(x + 16)..]), Vector128.Create(row[(x + 17)..])) | s_rgbIgnore1;
            var same2 = Vector128.Equals(Vector128.Create(row[(x + 32)..]), Vector128.Create(row[(x + 33)..])) | s_rgbIgnore2;
            if ((same0 & same1 & same2) != Vector128<byte>.AllBitsSet)
            {
                return -1;
            }
        }

        return x;
    }

    /// <summary>Checks blocks of 4 RGBA32 pixels; returns where the scalar tail starts, or -1 for a colour pixel.</summary>
    private static int GrayRgbaPrefix(ReadOnlySpan<byte> row)
    {
        var x = 0;
        var mask = Vector128.Create(0xFFu);
        for (; x + 16 <= row.Length; x += 16)
        {
            var v = Vector128.Create(row[x..]).AsUInt32();
            var r = v & mask;
            if (r != (Vector128.ShiftRightLogical(v, 8) & mask) || r != (Vector128.ShiftRightLogical(v, 16) & mask))
            {
                return -1;
            }
        }

        return x;
    }

    private static readonly Vector128<byte> s_rgbIgnore0 = BlueLanes(0);
    private static readonly Vector128<byte> s_rgbIgnore1 = BlueLanes(16);
    private static readonly Vector128<byte> s_rgbIgnore2 = BlueLanes(32);

    private static Vector128<byte> BlueLanes(int offset)
    {
        Span<byte> lanes = stackalloc byte[16];
        for (var i = 0; i < lanes.Length; i++)
        {
            lanes[i] = (byte)((offset + i) % 3 == 2 ? 0xFF : 0);
        }

        return Vector128.Create<byte>(lanes);
    }

    /// <summary>The weighted sum of eight pixels, lane by lane in the same order as <see cref="FromRgb"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Weigh(Vector256<float> r, Vector256<float> g, Vector256<float> b) =>
        ((r * RedWeight) + (g * GreenWeight)) + (b * BlueWeight);

    /// <summary>
    /// The luma of pixels <c>x .. x+7</c> of row <paramref name="y"/> one at a time, for the ends of rows that whole-vector
    /// loads cannot reach; pixels at or past the width read as 0.
    /// </summary>
    public static Vector256<float> LoadSlow(in PixelSource source, int y, int x)
    {
        Span<float> values = stackalloc float[Vector256<float>.Count];
        var row = source.Row(y);
        var bpp = source.BytesPerPixel;
        for (var i = 0; i < values.Length && x + i < source.Width; i++)
        {
            var at = (x + i) * bpp;
            values[i] = source.IsGray ? row[at] : FromRgb(row[at], row[at + 1], row[at + 2]);
        }

        return Vector256.Create<float>(values);
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
