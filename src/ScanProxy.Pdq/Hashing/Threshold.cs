namespace ScanProxy.Pdq.Hashing;

/// <summary>Turns a 16x16 DCT block into hash bits: bit <c>16p+q</c> is set when <c>B[p][q]</c> is above the lower median.</summary>
internal static class Threshold
{
    private const int Cells = Dct.Size * Dct.Size;

    /// <summary>
    /// The 128th smallest of the 256 values (the lower median, which the reference finds with Torben's method);
    /// a cell is set only when strictly greater, so equal values stay clear as in the reference.
    /// </summary>
    public static PdqHash ToHash(ReadOnlySpan<float> b) => ToHash(b, LowerMedian(b));

    /// <summary>Sets bit <c>16p+q</c> where <c>B[p][q] &gt; median</c>.</summary>
    public static PdqHash ToHash(ReadOnlySpan<float> b, float median)
    {
        Span<ushort> rows = stackalloc ushort[Dct.Size];
        for (var p = 0; p < Dct.Size; p++)
        {
            var row = b.Slice(p * Dct.Size, Dct.Size);
            var word = 0;
            for (var q = 0; q < Dct.Size; q++)
            {
                if (row[q] > median)
                {
                    word |= 1 << q;
                }
            }

            rows[p] = (ushort)word;
        }

        return PdqHash.FromRows(rows);
    }

    /// <summary>The 128th smallest of the 256 values.</summary>
    public static float LowerMedian(ReadOnlySpan<float> b)
    {
        Span<float> sorted = stackalloc float[Cells];
        b[..Cells].CopyTo(sorted);
        sorted.Sort();
        return sorted[(Cells / 2) - 1];
    }
}
