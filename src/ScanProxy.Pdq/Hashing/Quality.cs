namespace ScanProxy.Pdq.Hashing;

/// <summary>Meta's image-domain quality metric: how many significant gradients the 64x64 block has.</summary>
internal static class Quality
{
    /// <summary>Gradients are quantised to percent of full scale before they are summed, so that many tiny ones do not count.</summary>
    private const float GradientScale = 100f;
    private const float FullScale = 255f;

    /// <summary>Heuristic divisor from the PDQ paper; the result is capped at <see cref="Max"/>.</summary>
    private const int SumDivisor = 90;

    /// <summary>The highest quality.</summary>
    public const int Max = 100;

    /// <summary>Sums the truncated <c>|(u - v) * 100 / 255|</c> of every vertical and horizontal neighbour pair in float32.</summary>
    public static int Compute(ReadOnlySpan<float> a)
    {
        const int n = Decimation.Size;
        var sum = 0;
        for (var i = 0; i < n - 1; i++)
        {
            var upper = a.Slice(i * n, n);
            var lower = a.Slice((i + 1) * n, n);
            for (var j = 0; j < n; j++)
            {
                sum += Math.Abs(Gradient(upper[j], lower[j]));
            }
        }

        for (var i = 0; i < n; i++)
        {
            var row = a.Slice(i * n, n);
            for (var j = 0; j < n - 1; j++)
            {
                sum += Math.Abs(Gradient(row[j], row[j + 1]));
            }
        }

        return Math.Min(Max, sum / SumDivisor);
    }

    private static int Gradient(float u, float v) => (int)((u - v) * GradientScale / FullScale);
}
