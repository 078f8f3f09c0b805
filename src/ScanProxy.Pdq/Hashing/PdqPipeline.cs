using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScanProxy.Pdq.Hashing;

/// <summary>The PDQ steps in order (README "Algorithm"): luma, blur and decimate, quality, DCT, threshold, dihedral.</summary>
internal static class PdqPipeline
{
    /// <summary>Images with a side below this hash to all zeros with quality 0.</summary>
    public const int MinimumSide = 5;

    private const int Cells = Threshold.Cells;

    public static PdqResult Hash(in PixelSource source, bool dihedral)
    {
        var width = source.Width;
        var height = source.Height;
        if (width < MinimumSide || height < MinimumSide)
        {
            return dihedral ? new PdqResult(default(PdqDihedralHashes), 0, width, height) : new PdqResult(PdqHash.Zero, 0, width, height);
        }

        Span<float> a = stackalloc float[Decimation.Size * Decimation.Size];
        Downscale(source, a);

        var quality = Quality.Compute(a);
        Span<float> b = stackalloc float[Cells];
        Dct.Compute(a, b);

        if (!dihedral)
        {
            return new PdqResult(Threshold.ToHash(b), quality, width, height);
        }

        Span<PdqHash> hashes = stackalloc PdqHash[PdqDihedralHashes.Count];
        Span<float> blocks = stackalloc float[Cells * PdqDihedralHashes.Count];
        Span<float> medians = stackalloc float[PdqDihedralHashes.Count];
        for (var v = 0; v < PdqDihedralHashes.Count; v++)
        {
            var block = blocks.Slice(v * Cells, Cells);
            Dihedral.Transform(b, (PdqVariant)v, block);
            if (Dihedral.MedianSource((PdqVariant)v) == (PdqVariant)v)
            {
                medians[v] = Threshold.LowerMedian(block);
            }
        }

        for (var v = 0; v < PdqDihedralHashes.Count; v++)
        {
            hashes[v] = Threshold.ToHash(blocks.Slice(v * Cells, Cells), medians[(int)Dihedral.MedianSource((PdqVariant)v)]);
        }

        return new PdqResult(new PdqDihedralHashes(hashes), quality, width, height);
    }

    /// <summary>
    /// Blurs the full-resolution luma with two rounds of box filters sized from the original dimensions and samples it
    /// at 64x64. An image that is exactly 64x64 is used as it is, as the reference's hashing function does.
    /// </summary>
    internal static void Downscale(in PixelSource source, Span<float> a)
    {
        if (!Avx2.IsSupported)
        {
            DownscaleScalar(source, a);
        }
        else if (source.IsGray)
        {
            Downscale(new GrayRows(source), source.Width, source.Height, a);
        }
        else if (source.BytesPerPixel == 4)
        {
            Downscale(new Rgba32Rows(source), source.Width, source.Height, a);
        }
        else
        {
            Downscale(new Rgb24Rows(source), source.Width, source.Height, a);
        }
    }

    private static void Downscale<TRows>(scoped in TRows rows, int width, int height, Span<float> a)
        where TRows : ILumaRows, allows ref struct
    {
        if (width == Decimation.Size && height == Decimation.Size)
        {
            for (var y = 0; y < Decimation.Size; y++)
            {
                for (var x = 0; x < Decimation.Size; x += Vector256<float>.Count)
                {
                    rows.Load8(y, x).CopyTo(a[((y * Decimation.Size) + x)..]);
                }
            }

            return;
        }

        var planeLength = Blur.PlaneLength(width, height);
        var scratchLength = Blur.ScratchLength(width);
        var pool = ArrayPool<float>.Shared;
        var plane1 = pool.Rent(planeLength);
        var plane2 = pool.Rent(planeLength);
        var scratchIn = pool.Rent(scratchLength);
        var scratchOut = pool.Rent(scratchLength);
        try
        {
            Blur.BlurAndDecimate(rows, plane1.AsSpan(0, planeLength), plane2.AsSpan(0, planeLength), scratchIn, scratchOut, width, height, a);
        }
        finally
        {
            pool.Return(scratchOut);
            pool.Return(scratchIn);
            pool.Return(plane2);
            pool.Return(plane1);
        }
    }

    /// <summary>The same steps one sample at a time, in the reference's loop order: the fallback without AVX2.</summary>
    internal static void DownscaleScalar(in PixelSource source, Span<float> a)
    {
        var width = source.Width;
        var height = source.Height;
        var planeLength = width * height;
        var plane1 = ArrayPool<float>.Shared.Rent(planeLength);
        var plane2 = ArrayPool<float>.Shared.Rent(planeLength);
        try
        {
            Luma.Fill(source, plane1, width);
            if (width == Decimation.Size && height == Decimation.Size)
            {
                plane1.AsSpan(0, planeLength).CopyTo(a);
                return;
            }

            var windowAlongRows = BoxFilter.WindowSize(width);
            var windowAlongColumns = BoxFilter.WindowSize(height);
            for (var round = 0; round < BoxFilter.Rounds; round++)
            {
                BoxFilter.AlongRows(plane1, plane2, width, height, width, windowAlongRows);
                BoxFilter.AlongColumns(plane2, plane1, width, height, width, windowAlongColumns);
            }

            Decimation.Decimate(plane1, width, height, width, a);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(plane1);
            ArrayPool<float>.Shared.Return(plane2);
        }
    }
}
