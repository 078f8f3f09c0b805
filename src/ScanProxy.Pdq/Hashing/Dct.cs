namespace ScanProxy.Pdq.Hashing;

/// <summary>
/// The 2-D DCT of the 64x64 block, keeping frequencies 1..16 on each axis (the DC term is dropped):
/// <c>B = D A Dᵀ</c> with the 16x64 matrix D, both products summed in float32 in ascending k as the reference does.
/// </summary>
internal static class Dct
{
    /// <summary>The side of the output block.</summary>
    public const int Size = 16;

    private const int N = Decimation.Size;

    /// <summary><c>D[p][k] = (float)(sqrt(2/64) * cos(pi/128 * (p+1) * (2k+1)))</c>, with the scale first rounded to float32.</summary>
    internal static readonly float[] Matrix = CreateMatrix();

    /// <summary>Computes the 16x16 block <paramref name="b"/> (row p = vertical frequency) from the 64x64 block <paramref name="a"/>.</summary>
    public static void Compute(ReadOnlySpan<float> a, Span<float> b)
    {
        ReadOnlySpan<float> d = Matrix;
        Span<float> t = stackalloc float[Size * N];

        // T = D A: T[p][j] = sum over k of D[p][k] * A[k][j].
        for (var p = 0; p < Size; p++)
        {
            var dRow = d.Slice(p * N, N);
            for (var j = 0; j < N; j++)
            {
                var sum = 0f;
                for (var k = 0; k < N; k++)
                {
                    sum += dRow[k] * a[k * N + j];
                }

                t[p * N + j] = sum;
            }
        }

        // B = T Dᵀ: B[p][q] = sum over k of T[p][k] * D[q][k].
        for (var p = 0; p < Size; p++)
        {
            var tRow = t.Slice(p * N, N);
            for (var q = 0; q < Size; q++)
            {
                var dRow = d.Slice(q * N, N);
                var sum = 0f;
                for (var k = 0; k < N; k++)
                {
                    sum += tRow[k] * dRow[k];
                }

                b[p * Size + q] = sum;
            }
        }
    }

    private static float[] CreateMatrix()
    {
        var scale = (double)(float)Math.Sqrt(2.0 / N);
        var matrix = new float[Size * N];
        for (var p = 0; p < Size; p++)
        {
            for (var k = 0; k < N; k++)
            {
                matrix[p * N + k] = (float)(scale * Math.Cos(Math.PI / 2.0 / N * (p + 1) * (2 * k + 1)));
            }
        }

        return matrix;
    }
}
