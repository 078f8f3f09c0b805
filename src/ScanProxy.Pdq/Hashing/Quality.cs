using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScanProxy.Pdq.Hashing;

/// <summary>Meta's image-domain quality metric: how many significant gradients the 64x64 block has.</summary>
internal static class Quality
{
    /// <summary>Gradients are quantised to percent of full scale before they are summed, so that many tiny ones do not count.</summary>
    private const float GradientScale = 100f;
    private const float FullScale = 255f;

    /// <summary>Heuristic divisor from the PDQ paper; the result is capped at <see cref="Max"/>.</summary>
    private const int SumDivisor = 90;

    private const int N = Decimation.Size;

    /// <summary>The highest quality.</summary>
    public const int Max = 100;

    /// <summary>Sums the truncated <c>|(u - v) * 100 / 255|</c> of every vertical and horizontal neighbour pair in float32.</summary>
    public static int Compute(ReadOnlySpan<float> a)
    {
        var sum = 0;
        var vectors = MemoryMarshal.Cast<float, Vector256<float>>(a[..(N * N)]);
        const int perRow = N / 8;
        var accumulator = Vector256<int>.Zero;

        // Vertical pairs: row i against row i + 1, eight columns a vector.
        for (var i = 0; i < (N - 1) * perRow; i++)
        {
            accumulator += Vector256.Abs(Gradient(vectors[i], vectors[i + perRow]));
        }

        // Horizontal pairs (j, j + 1) for j < 56 by vectors shifted one column; the last seven one at a time.
        for (var i = 0; i < N; i++)
        {
            var row = a.Slice(i * N, N);
            for (var j = 0; j < N - 8; j += 8)
            {
                accumulator += Vector256.Abs(Gradient(Vector256.Create(row[j..]), Vector256.Create(row[(j + 1)..])));
            }

            for (var j = N - 8; j < N - 1; j++)
            {
                sum += Math.Abs(Gradient(row[j], row[j + 1]));
            }
        }

        sum += Vector256.Sum(accumulator);
        return Math.Min(Max, sum / SumDivisor);
    }

    private static int Gradient(float u, float v) => (int)((u - v) * GradientScale / FullScale);

    private static Vector256<int> Gradient(Vector256<float> u, Vector256<float> v) =>
        Vector256.ConvertToInt32((u - v) * Vector256.Create(GradientScale) / Vector256.Create(FullScale));
}
