using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScanProxy.Pdq.Hashing;

/// <summary>Turns a 16x16 DCT block into hash bits: bit <c>16p+q</c> is set when <c>B[p][q]</c> is above the lower median.</summary>
internal static class Threshold
{
    /// <summary>Values in a DCT block.</summary>
    public const int Cells = Dct.Size * Dct.Size;

    /// <summary>Thresholds <paramref name="b"/> at its own lower median.</summary>
    public static PdqHash ToHash(ReadOnlySpan<float> b) => ToHash(b, LowerMedian(b));

    /// <summary>
    /// Sets bit <c>16p+q</c> where <c>B[p][q] &gt; median</c>: strictly greater, so values equal to the median stay
    /// clear as in the reference.
    /// </summary>
    public static PdqHash ToHash(ReadOnlySpan<float> b, float median)
    {
        var vectors = MemoryMarshal.Cast<float, Vector256<float>>(b[..Cells]);
        var threshold = Vector256.Create(median);
        Span<ushort> rows = stackalloc ushort[Dct.Size];
        for (var p = 0; p < Dct.Size; p++)
        {
            var low = Vector256.GreaterThan(vectors[p * 2], threshold).ExtractMostSignificantBits();
            var high = Vector256.GreaterThan(vectors[(p * 2) + 1], threshold).ExtractMostSignificantBits();
            rows[p] = (ushort)(low | (high << 8));
        }

        return PdqHash.FromRows(rows);
    }

    /// <summary>The 128th smallest of the 256 values: the lower median, which the reference finds with Torben's method.</summary>
    public static float LowerMedian(ReadOnlySpan<float> b)
    {
        Span<float> sorted = stackalloc float[Cells];
        b[..Cells].CopyTo(sorted);
        sorted.Sort();
        return sorted[(Cells / 2) - 1];
    }
}
