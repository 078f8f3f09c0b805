using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScanProxy.Pdq.Hashing;

/// <summary>
/// The 2-D DCT of the 64x64 block, keeping frequencies 1..16 on each axis (the DC term is dropped):
/// <c>B = D A Dᵀ</c> with the 16x64 matrix D, both products summed in float32 in ascending k as the reference does.
/// The vector form runs one lane per output column; each lane adds the same products in the same order.
/// </summary>
internal static class Dct
{
    /// <summary>The side of the output block.</summary>
    public const int Size = 16;

    private const int N = Decimation.Size;

    /// <summary><c>D[p][k] = (float)(sqrt(2/64) * cos(pi/128 * (p+1) * (2k+1)))</c>, with the scale first rounded to float32.</summary>
    private static readonly float[] s_matrix = CreateMatrix();

    /// <summary><c>Dᵀ</c>, 64 rows of 16, so the second product can run one lane per output column too.</summary>
    private static readonly float[] s_transposed = Transposed(s_matrix);

    /// <summary>Computes the 16x16 block <paramref name="b"/> (row p = vertical frequency) from the 64x64 block <paramref name="a"/>.</summary>
    public static void Compute(ReadOnlySpan<float> a, Span<float> b)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            ComputeScalar(a, b);
            return;
        }

        ReadOnlySpan<float> d = s_matrix;
        ReadOnlySpan<float> dt = s_transposed;
        Span<float> t = stackalloc float[Size * N];
        var aVectors = MemoryMarshal.Cast<float, Vector256<float>>(a[..(N * N)]);
        var tVectors = MemoryMarshal.Cast<float, Vector256<float>>(t);
        const int perRow = N / 8;

        // T = D A: lane j of T[p] accumulates D[p][k] * A[k][j] over ascending k.
        for (var p = 0; p < Size; p++)
        {
            Vector256<float> t0 = default, t1 = default, t2 = default, t3 = default, t4 = default, t5 = default, t6 = default, t7 = default;
            for (var k = 0; k < N; k++)
            {
                var dk = Vector256.Create(d[(p * N) + k]);
                var row = aVectors.Slice(k * perRow, perRow);
                t0 += dk * row[0];
                t1 += dk * row[1];
                t2 += dk * row[2];
                t3 += dk * row[3];
                t4 += dk * row[4];
                t5 += dk * row[5];
                t6 += dk * row[6];
                t7 += dk * row[7];
            }

            var output = tVectors.Slice(p * perRow, perRow);
            output[0] = t0;
            output[1] = t1;
            output[2] = t2;
            output[3] = t3;
            output[4] = t4;
            output[5] = t5;
            output[6] = t6;
            output[7] = t7;
        }

        // B = T Dᵀ: lane q of B[p] accumulates T[p][k] * D[q][k] over ascending k.
        var dtVectors = MemoryMarshal.Cast<float, Vector256<float>>(dt);
        var bVectors = MemoryMarshal.Cast<float, Vector256<float>>(b[..(Size * Size)]);
        for (var p = 0; p < Size; p++)
        {
            Vector256<float> low = default, high = default;
            for (var k = 0; k < N; k++)
            {
                var tk = Vector256.Create(t[(p * N) + k]);
                low += tk * dtVectors[k * 2];
                high += tk * dtVectors[(k * 2) + 1];
            }

            bVectors[p * 2] = low;
            bVectors[(p * 2) + 1] = high;
        }
    }

    /// <summary>The same sums one output at a time, in the reference's loop order.</summary>
    internal static void ComputeScalar(ReadOnlySpan<float> a, Span<float> b)
    {
        ReadOnlySpan<float> d = s_matrix;
        Span<float> t = stackalloc float[Size * N];
        for (var p = 0; p < Size; p++)
        {
            var dRow = d.Slice(p * N, N);
            for (var j = 0; j < N; j++)
            {
                var sum = 0f;
                for (var k = 0; k < N; k++)
                {
                    sum += dRow[k] * a[(k * N) + j];
                }

                t[(p * N) + j] = sum;
            }
        }

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

                b[(p * Size) + q] = sum;
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
                matrix[(p * N) + k] = (float)(scale * Math.Cos(Math.PI / 2.0 / N * (p + 1) * ((2 * k) + 1)));
            }
        }

        return matrix;
    }

    private static float[] Transposed(float[] matrix)
    {
        var transposed = new float[N * Size];
        for (var p = 0; p < Size; p++)
        {
            for (var k = 0; k < N; k++)
            {
                transposed[(k * Size) + p] = matrix[(p * N) + k];
            }
        }

        return transposed;
    }
}
