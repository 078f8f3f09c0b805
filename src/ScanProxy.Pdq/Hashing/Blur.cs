using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScanProxy.Pdq.Hashing;

/// <summary>
/// The two rounds of [rows, columns] box filtering over the full image, vectorised with the reference's exact
/// per-row and per-column operation order, and streamed in strips of 32 rows so that the working set stays in cache.
/// Rows run 32 at a time: blocks of 8x8 are transposed into a scratch strip where each lane holds one row, filtered
/// there, and transposed back. The first row pass reads pixels and computes their luma on the way in. Columns run all
/// at once, one lane each (<see cref="ColumnStream"/>), from a ring of the rows the row pass has produced, and feed the
/// second round's row pass strip by strip. Only the 64 sampled columns of that pass are kept, and the last column pass
/// runs down those alone. Needs AVX2.
/// </summary>
internal static class Blur
{
    /// <summary>Rows filtered at once, and the rows of a strip.</summary>
    public const int Lanes = 32;

    private const int Block = 8;
    private const int Sampled = Decimation.Size;

    /// <summary>Floats per padded row: the width rounded up to <see cref="Lanes"/>; the padding is kept at zero.</summary>
    public static int PlaneStride(int width) => (width + Lanes - 1) / Lanes * Lanes;

    /// <summary>Floats of working memory <see cref="BlurAndDecimate"/> needs.</summary>
    public static int WorkspaceLength(int width, int height)
    {
        var stride = PlaneStride(width);
        var ringRows = RingRows(BoxFilter.WindowSize(height));
        return (stride * ((3 * Lanes) + ringRows)) + Math.Max(stride, Sampled) + (2 * Sampled * height);
    }

    /// <summary>
    /// Rows of first-round row-pass output kept for the first column pass: a new strip of 32 arrives while the column
    /// pass may still subtract rows up to a window behind it. A multiple of 32 so that no strip wraps around.
    /// </summary>
    private static int RingRows(int windowAlongColumns) => (windowAlongColumns + Lanes + Lanes - 1) / Lanes * Lanes;

    /// <summary>Blurs the luma and writes the 64x64 samples to <paramref name="a"/>.</summary>
    /// <param name="luma">The image's luma, row by row.</param>
    /// <param name="workspace">At least <see cref="WorkspaceLength"/> floats; its contents do not matter.</param>
    /// <param name="width">The image width.</param>
    /// <param name="height">The image height.</param>
    /// <param name="a">The 64x64 output block.</param>
    public static void BlurAndDecimate<TRows>(scoped in TRows luma, Span<float> workspace, int width, int height, Span<float> a)
        where TRows : ILumaRows, allows ref struct
    {
        var stride = PlaneStride(width);
        var windowAlongRows = BoxFilter.WindowSize(width);
        var windowAlongColumns = BoxFilter.WindowSize(height);
        var ringRows = RingRows(windowAlongColumns);

        var scratchIn = Take(ref workspace, stride * Lanes);
        var scratchOut = Take(ref workspace, stride * Lanes);
        var ring = Take(ref workspace, stride * ringRows);
        var strip = Take(ref workspace, stride * Lanes);
        var sums = Take(ref workspace, Math.Max(stride, Sampled));
        var sampled = Take(ref workspace, Sampled * height);
        var blurred = Take(ref workspace, Sampled * height);
        Span<int> columns = stackalloc int[Sampled];
        Decimation.SampleIndices(width, columns);

        var firstColumnPass = new ColumnStream(sums[..stride], height, windowAlongColumns);
        for (var y0 = 0; y0 < height; y0 += Lanes)
        {
            var rowCount = Math.Min(Lanes, height - y0);
            RowStrip(luma, y0, rowCount, width, windowAlongRows, scratchIn, scratchOut, ring[(y0 % ringRows * stride)..], stride, default);

            while (!firstColumnPass.Done && firstColumnPass.NeededRow < y0 + rowCount)
            {
                var y = firstColumnPass.NextRow;
                firstColumnPass.Emit(ring, ringRows, stride, strip[(y % Lanes * stride)..]);
                if (y % Lanes == Lanes - 1 || y == height - 1)
                {
                    var stripStart = y - (y % Lanes);
                    RowStrip(new PlaneRows(strip, stride), 0, y - stripStart + 1, width, windowAlongRows, scratchIn, scratchOut, sampled[(stripStart * Sampled)..], Sampled, columns);
                }
            }
        }

        var lastColumnPass = new ColumnStream(sums[..Sampled], height, windowAlongColumns);
        while (!lastColumnPass.Done)
        {
            var y = lastColumnPass.NextRow;
            lastColumnPass.Emit(sampled, height, Sampled, blurred[(y * Sampled)..]);
        }

        Decimation.DecimateRows(blurred, height, a);
    }

    private static Span<float> Take(ref Span<float> workspace, int length)
    {
        var taken = workspace[..length];
        workspace = workspace[length..];
        return taken;
    }

    /// <summary>
    /// Filters <paramref name="rowCount"/> (at most 32) rows, read from <paramref name="rows"/> starting at
    /// <paramref name="firstRow"/>: they are transposed into <paramref name="scratchIn"/> (position x, lane = row) and
    /// filtered into <paramref name="scratchOut"/>. Then either the strip is transposed back into
    /// <paramref name="output"/> (rows <paramref name="outputStride"/> apart, padding included so that column passes
    /// only ever see zeros past the width), or, when <paramref name="sampledColumns"/> is given, only those columns are
    /// kept, as rows of 64 floats.
    /// </summary>
    private static void RowStrip<TRows>(
        scoped in TRows rows, int firstRow, int rowCount, int width, int window, Span<float> scratchIn, Span<float> scratchOut,
        Span<float> output, int outputStride, scoped ReadOnlySpan<int> sampledColumns)
        where TRows : ILumaRows, allows ref struct
    {
        var stride = PlaneStride(width);
        var readBlocks = (width + Block - 1) / Block;
        ref var scratchInRef = ref MemoryMarshal.GetReference(scratchIn);
        ref var scratchOutRef = ref MemoryMarshal.GetReference(scratchOut);

        for (var g = 0; g < Lanes / Block; g++)
        {
            var rowBase = g * Block;
            if (rowBase + Block <= rowCount)
            {
                GatherRows(rows, ref Unsafe.Add(ref scratchInRef, rowBase), firstRow + rowBase, readBlocks);
            }
            else
            {
                GatherPartialRows(rows, ref Unsafe.Add(ref scratchInRef, rowBase), firstRow + rowBase, Math.Max(0, rowCount - rowBase), readBlocks);
            }
        }

        BoxFilter.Box32Lanes(ref scratchInRef, ref scratchOutRef, width, Lanes, window);
        if (!sampledColumns.IsEmpty)
        {
            KeepColumns(scratchOut, output, sampledColumns, rowCount);
            return;
        }

        scratchOut[(width * Lanes)..(stride * Lanes)].Clear();
        _ = output[(((rowCount - 1) * outputStride) + stride - 1)..]; // the unchecked stores below stay inside output
        ref var outputRef = ref MemoryMarshal.GetReference(output);
        for (var rowBase = 0; rowBase < rowCount; rowBase += Block)
        {
            ScatterRows(
                ref Unsafe.Add(ref scratchOutRef, rowBase),
                ref Unsafe.Add(ref outputRef, rowBase * outputStride),
                stride,
                outputStride,
                Math.Min(Block, rowCount - rowBase));
        }
    }

    /// <summary>Copies the lanes of the sampled positions of a filtered strip to the rows of a 64-wide plane.</summary>
    private static void KeepColumns(ReadOnlySpan<float> strip, Span<float> output, ReadOnlySpan<int> columns, int rowCount)
    {
        var n = columns.Length;
        for (var j = 0; j < n; j++)
        {
            var lanes = strip.Slice(columns[j] * Lanes, rowCount);
            for (var l = 0; l < lanes.Length; l++)
            {
                output[(l * n) + j] = lanes[l];
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

    /// <summary>Transposes 8 lanes of the filtered strip back into <paramref name="count"/> rows, padding included.</summary>
    private static void ScatterRows(ref float scratch, ref float output, int width, int stride, int count)
    {
        for (var x = 0; x < width; x += Block)
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
