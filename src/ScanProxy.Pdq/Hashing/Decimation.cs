namespace ScanProxy.Pdq.Hashing;

/// <summary>Picks the 64x64 samples of the blurred luma that feed the DCT (the reference's <c>decimateFloat</c>).</summary>
internal static class Decimation
{
    /// <summary>The side of the decimated block.</summary>
    public const int Size = 64;

    /// <summary>
    /// <c>a[i][j] = plane[row(i)][col(j)]</c> with <c>row(i) = (int)(((i + 0.5) * height) / 64)</c> computed in double,
    /// which targets the centres of the 64 bands, as the reference does.
    /// </summary>
    public static void Decimate(ReadOnlySpan<float> plane, int width, int height, int planeStride, Span<float> a)
    {
        Span<int> columns = stackalloc int[Size];
        SampleIndices(width, columns);

        for (var i = 0; i < Size; i++)
        {
            var row = plane.Slice(SampleIndex(i, height) * planeStride, width);
            var output = a.Slice(i * Size, Size);
            for (var j = 0; j < Size; j++)
            {
                output[j] = row[columns[j]];
            }
        }
    }

    /// <summary>Writes the 64 sampled indices along an axis of <paramref name="length"/> samples.</summary>
    public static void SampleIndices(int length, Span<int> indices)
    {
        for (var i = 0; i < Size; i++)
        {
            indices[i] = SampleIndex(i, length);
        }
    }

    /// <summary>Picks the 64 sampled rows of a plane that holds only the 64 sampled columns.</summary>
    public static void DecimateRows(ReadOnlySpan<float> sampledColumns, int height, Span<float> a)
    {
        for (var i = 0; i < Size; i++)
        {
            sampledColumns.Slice(SampleIndex(i, height) * Size, Size).CopyTo(a.Slice(i * Size, Size));
        }
    }

    private static int SampleIndex(int i, int length) => (int)(((i + 0.5) * length) / Size);
}
