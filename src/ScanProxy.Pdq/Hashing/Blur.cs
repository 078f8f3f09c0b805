using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScanProxy.Pdq.Hashing;

/// <summary>
/// The two rounds of [rows, columns] box filtering over the full image, vectorised with the reference's exact
/// per-row and per-column operation order. Columns all run at once, one lane each, walking the plane row by row (its
/// rows padded to a multiple of 32 floats, the padding kept at zero). Rows run 32 at a time: blocks of 8x8 are transposed into a scratch strip where each
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

    /// <summary>Floats in each of the two planes: a padded row each, and room for the 64 sampled columns.</summary>
    public static int PlaneLength(int width, int height) => Math.Max(PlaneStride(width), Decimation.Size) * height;

    /// <summary>Floats in each of the two scratch strips of a row pass.</summary>
    public static int ScratchLength(int width) => PlaneStride(width) * Lanes;

    /// <summary>
    /// Blurs the luma and writes the 64x64 samples to <paramref name="a"/>. Both planes are
    /// <see cref="PlaneLength"/> floats, both scratch strips <see cref="ScratchLength"/>.
    /// </summary>
    /// <remarks>
    /// Only 64 columns and 64 rows of the last column pass are ever sampled, so the second round's row pass keeps just
    /// the 64 sampled columns of its output (every row still runs its whole running sum), and the last column pass
    /// runs down those 64 columns only. Each kept value has gone through exactly the reference's operations.
    /// </remarks>
    public static void BlurAndDecimate<TRows>(
        scoped in TRows luma, Span<float> plane1, Span<float> plane2, Span<float> scratchIn, Span<float> scratchOut, int width, int height, Span<float> a)
        where TRows : ILumaRows, allows ref struct
    {
        const int n = Decimation.Size;
        var stride = PlaneStride(width);
        var windowAlongRows = BoxFilter.WindowSize(width);
        var windowAlongColumns = BoxFilter.WindowSize(height);
        Span<int> columns = stackalloc int[n];
        Decimation.SampleIndices(width, columns);

        // Round 1, all of it.
        RowPass(luma, plane2, scratchIn, scratchOut, width, height, windowAlongRows, default);
        BoxFilter.AlongColumnsByRows(plane2, plane1, scratchIn, height, stride, windowAlongColumns);

        // Round 2: the row pass keeps the sampled columns (height x 64, in plane2), the column pass runs down them.
        var sampled = plane2[..(height * n)];
        RowPass(new PlaneRows(plane1, stride), sampled, scratchIn, scratchOut, width, height, windowAlongRows, columns);
        var blurred = plane1[..(height * n)];
        BoxFilter.AlongColumnsByRows(sampled, blurred, scratchIn, height, n, windowAlongColumns);
        Decimation.DecimateRows(blurred, height, a);
    }

    /// <summary>
    /// Filters every row. Each strip of 32 rows is transposed into <paramref name="scratchIn"/> (position x, lane = row)
    /// and filtered into <paramref name="scratchOut"/>. Then either the whole strip is transposed back into
    /// <paramref name="output"/>, padding included so that the column pass only ever sees zeros past the width, or, when
    /// <paramref name="sampledColumns"/> is given, only those columns are kept, as rows of 64 floats.
    /// </summary>
    private static void RowPass<TRows>(
        scoped in TRows rows, Span<float> output, Span<float> scratchIn, Span<float> scratchOut, int width, int height, int window, scoped ReadOnlySpan<int> sampledColumns)
        where TRows : ILumaRows, allows ref struct
    {
        var stride = PlaneStride(width);
        var readBlocks = (width + Block - 1) / Block;
        ref var scratchInRef = ref MemoryMarshal.GetReference(scratchIn);
        ref var scratchOutRef = ref MemoryMarshal.GetReference(scratchOut);
        ref var outputRef = ref MemoryMarshal.GetReference(output);

        for (var y0 = 0; y0 < height; y0 += Lanes)
        {
            for (var g = 0; g < Lanes / Block; g++)
            {
                var rowBase = y0 + (g * Block);
                if (rowBase + Block <= height)
                {
                    GatherRows(rows, ref Unsafe.Add(ref scratchInRef, g * Block), rowBase, readBlocks);
                }
                else
                {
                    GatherPartialRows(rows, ref Unsafe.Add(ref scratchInRef, g * Block), rowBase, Math.Max(0, height - rowBase), readBlocks);
                }
            }

            BoxFilter.Box32Lanes(ref scratchInRef, ref scratchOutRef, width, Lanes, window);
            if (!sampledColumns.IsEmpty)
            {
                KeepColumns(scratchOut, output, sampledColumns, y0, Math.Min(Lanes, height - y0));
                continue;
            }

            scratchOut[(width * Lanes)..(stride * Lanes)].Clear();

            for (var g = 0; g < Lanes / Block && y0 + (g * Block) < height; g++)
            {
                var rowBase = y0 + (g * Block);
                ScatterRows(
                    ref Unsafe.Add(ref scratchOutRef, g * Block),
                    ref Unsafe.Add(ref outputRef, rowBase * stride),
                    stride,
                    Math.Min(Block, height - rowBase));
            }
        }
    }

    /// <summary>Copies the lanes of the sampled positions of a filtered strip to rows <c>y0 ..</c> of a 64-wide plane.</summary>
    private static void KeepColumns(ReadOnlySpan<float> strip, Span<float> output, ReadOnlySpan<int> columns, int y0, int rowCount)
    {
        var n = columns.Length;
        for (var j = 0; j < n; j++)
        {
            var lanes = strip.Slice(columns[j] * Lanes, rowCount);
            for (var l = 0; l < lanes.Length; l++)
            {
                output[((y0 + l) * n) + j] = lanes[l];
            }
        }
    }

    /// <summary>Transposes rows <c>rowBase .. rowBase+7</c> into lanes: position x goes to <c>scratch[x * Lanes .. +8]</c>.</summary>
    private static void GatherRows<TRows>(scoped in TRows rows, ref float scratch, int rowBase, int blocks)
        where TRows : ILumaRows, allows ref struct
    {
        for (var b = 0; b < blocks; b++)
        {
            var x = b * Block;
            var r0 = rows.Load8(rowBase, x);
            var r1 = rows.Load8(rowBase + 1, x);
            var r2 = rows.Load8(rowBase + 2, x);
            var r3 = rows.Load8(rowBase + 3, x);
            var r4 = rows.Load8(rowBase + 4, x);
            var r5 = rows.Load8(rowBase + 5, x);
            var r6 = rows.Load8(rowBase + 6, x);
            var r7 = rows.Load8(rowBase + 7, x);
            Transpose.Block8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
            StoreColumns(ref scratch, (nuint)(x * Lanes), r0, r1, r2, r3, r4, r5, r6, r7);
        }
    }

    /// <summary>As <see cref="GatherRows"/> for the last, short group of rows; the missing rows read as zero.</summary>
    private static void GatherPartialRows<TRows>(scoped in TRows rows, ref float scratch, int rowBase, int count, int blocks)
        where TRows : ILumaRows, allows ref struct
    {
        Span<Vector256<float>> r = stackalloc Vector256<float>[Block];
        for (var b = 0; b < blocks; b++)
        {
            var x = b * Block;
            for (var i = 0; i < Block; i++)
            {
                r[i] = i < count ? rows.Load8(rowBase + i, x) : Vector256<float>.Zero;
            }

            Transpose.Block8x8(ref r[0], ref r[1], ref r[2], ref r[3], ref r[4], ref r[5], ref r[6], ref r[7]);
            StoreColumns(ref scratch, (nuint)(x * Lanes), r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreColumns(
        ref float scratch, nuint at, Vector256<float> c0, Vector256<float> c1, Vector256<float> c2, Vector256<float> c3,
        Vector256<float> c4, Vector256<float> c5, Vector256<float> c6, Vector256<float> c7)
    {
        c0.StoreUnsafe(ref scratch, at);
        c1.StoreUnsafe(ref scratch, at + Lanes);
        c2.StoreUnsafe(ref scratch, at + (2 * Lanes));
        c3.StoreUnsafe(ref scratch, at + (3 * Lanes));
        c4.StoreUnsafe(ref scratch, at + (4 * Lanes));
        c5.StoreUnsafe(ref scratch, at + (5 * Lanes));
        c6.StoreUnsafe(ref scratch, at + (6 * Lanes));
        c7.StoreUnsafe(ref scratch, at + (7 * Lanes));
    }

    /// <summary>Transposes 8 lanes of the filtered strip back into <paramref name="count"/> rows of the plane, padding included.</summary>
    private static void ScatterRows(ref float scratch, ref float output, int stride, int count)
    {
        for (var x = 0; x < stride; x += Block)
        {
            var at = (nuint)(x * Lanes);
            var c0 = Vector256.LoadUnsafe(ref scratch, at);
            var c1 = Vector256.LoadUnsafe(ref scratch, at + Lanes);
            var c2 = Vector256.LoadUnsafe(ref scratch, at + (2 * Lanes));
            var c3 = Vector256.LoadUnsafe(ref scratch, at + (3 * Lanes));
            var c4 = Vector256.LoadUnsafe(ref scratch, at + (4 * Lanes));
            var c5 = Vector256.LoadUnsafe(ref scratch, at + (5 * Lanes));
            var c6 = Vector256.LoadUnsafe(ref scratch, at + (6 * Lanes));
            var c7 = Vector256.LoadUnsafe(ref scratch, at + (7 * Lanes));
            Transpose.Block8x8(ref c0, ref c1, ref c2, ref c3, ref c4, ref c5, ref c6, ref c7);
            if (count == Block)
            {
                var s = (nuint)stride;
                c0.StoreUnsafe(ref output, (nuint)x);
                c1.StoreUnsafe(ref output, (nuint)x + s);
                c2.StoreUnsafe(ref output, (nuint)x + (2 * s));
                c3.StoreUnsafe(ref output, (nuint)x + (3 * s));
                c4.StoreUnsafe(ref output, (nuint)x + (4 * s));
                c5.StoreUnsafe(ref output, (nuint)x + (5 * s));
                c6.StoreUnsafe(ref output, (nuint)x + (6 * s));
                c7.StoreUnsafe(ref output, (nuint)x + (7 * s));
            }
            else
            {
                ReadOnlySpan<Vector256<float>> rowsOut = [c0, c1, c2, c3, c4, c5, c6, c7];
                for (var i = 0; i < count; i++)
                {
                    rowsOut[i].StoreUnsafe(ref output, (nuint)(x + (i * stride)));
                }
            }
        }
    }
}
