using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScanProxy.Pdq.Hashing;

/// <summary>
/// The two rounds of [rows, columns] box filtering over the full image, vectorised with the reference's exact
/// per-row and per-column operation order. Columns run 32 at a time, one lane each, down a plane whose rows are padded
/// to a multiple of 32 floats. Rows run 32 at a time too: blocks of 8x8 are transposed into a scratch strip where each
/// lane holds one row, filtered there, and transposed back. The first row pass reads pixels and computes their luma on
/// the way in, so the luma plane is never written. Needs AVX2.
/// </summary>
internal static class Blur
{
    /// <summary>Rows or columns filtered at once.</summary>
    public const int Lanes = 32;

    private const int Block = 8;

    /// <summary>Floats per plane row: the width rounded up to <see cref="Lanes"/>.</summary>
    public static int PlaneStride(int width) => (width + Lanes - 1) / Lanes * Lanes;

    /// <summary>Floats in each of the two scratch strips of a row pass.</summary>
    public static int ScratchLength(int width) => PlaneStride(width) * Lanes;

    /// <summary>Leaves the blurred luma in <paramref name="plane1"/>; both planes are <c>PlaneStride(width) * height</c> floats.</summary>
    public static void TwoRounds<TRows>(
        scoped in TRows luma, Span<float> plane1, Span<float> plane2, Span<float> scratchIn, Span<float> scratchOut, int width, int height)
        where TRows : ILumaRows, allows ref struct
    {
        var stride = PlaneStride(width);
        var windowAlongRows = BoxFilter.WindowSize(width);
        var windowAlongColumns = BoxFilter.WindowSize(height);

        RowPass(luma, plane2, scratchIn, scratchOut, width, height, windowAlongRows);
        ColumnPass(plane2, plane1, height, stride, windowAlongColumns);
        for (var round = 1; round < BoxFilter.Rounds; round++)
        {
            RowPass(new PlaneRows(plane1, stride), plane2, scratchIn, scratchOut, width, height, windowAlongRows);
            ColumnPass(plane2, plane1, height, stride, windowAlongColumns);
        }
    }

    private static void ColumnPass(Span<float> input, Span<float> output, int height, int stride, int window)
    {
        ref var source = ref MemoryMarshal.GetReference(input);
        ref var destination = ref MemoryMarshal.GetReference(output);
        for (var x = 0; x < stride; x += Lanes)
        {
            BoxFilter.Box32Lanes(ref Unsafe.Add(ref source, x), ref Unsafe.Add(ref destination, x), height, (nuint)stride, window);
        }
    }

    /// <summary>
    /// Filters every row. Each strip of 32 rows is transposed into <paramref name="scratchIn"/> (position x, lane = row),
    /// filtered into <paramref name="scratchOut"/>, and transposed back into <paramref name="output"/>, padding included,
    /// so that the column pass only ever sees zeros past the width.
    /// </summary>
    private static void RowPass<TRows>(scoped in TRows rows, Span<float> output, Span<float> scratchIn, Span<float> scratchOut, int width, int height, int window)
        where TRows : ILumaRows, allows ref struct
    {
        var stride = PlaneStride(width);
        var readBlocks = (width + Block - 1) / Block;
        var writeBlocks = stride / Block;
        Span<Vector256<float>> m = stackalloc Vector256<float>[Block];
        ref var scratchInRef = ref MemoryMarshal.GetReference(scratchIn);
        ref var scratchOutRef = ref MemoryMarshal.GetReference(scratchOut);
        ref var outputRef = ref MemoryMarshal.GetReference(output);

        for (var y0 = 0; y0 < height; y0 += Lanes)
        {
            for (var b = 0; b < readBlocks; b++)
            {
                var x = b * Block;
                for (var g = 0; g < Lanes / Block; g++)
                {
                    var rowBase = y0 + (g * Block);
                    for (var i = 0; i < Block; i++)
                    {
                        m[i] = rowBase + i < height ? rows.Load8(rowBase + i, x) : Vector256<float>.Zero;
                    }

                    Transpose.Block8x8(m);
                    for (var j = 0; j < Block; j++)
                    {
                        m[j].StoreUnsafe(ref scratchInRef, (nuint)(((x + j) * Lanes) + (g * Block)));
                    }
                }
            }

            BoxFilter.Box32Lanes(ref scratchInRef, ref scratchOutRef, width, Lanes, window);
            scratchOut[(width * Lanes)..(stride * Lanes)].Clear();

            for (var g = 0; g < Lanes / Block && y0 + (g * Block) < height; g++)
            {
                var rowBase = y0 + (g * Block);
                var rowsHere = Math.Min(Block, height - rowBase);
                for (var b = 0; b < writeBlocks; b++)
                {
                    var x = b * Block;
                    for (var j = 0; j < Block; j++)
                    {
                        m[j] = Vector256.LoadUnsafe(ref scratchOutRef, (nuint)(((x + j) * Lanes) + (g * Block)));
                    }

                    Transpose.Block8x8(m);
                    for (var i = 0; i < rowsHere; i++)
                    {
                        m[i].StoreUnsafe(ref outputRef, (nuint)(((rowBase + i) * stride) + x));
                    }
                }
            }
        }
    }
}
