using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScanProxy.Pdq.Hashing;

/// <summary>
/// Jarosz box filtering as the reference does it: a running float32 sum per row or column, with the exact sequence of
/// adds, subtracts and divides of the reference's <c>box1DFloat</c>, because the float rounding of that sequence is
/// part of the hash on degenerate images.
/// </summary>
internal static class BoxFilter
{
    /// <summary>Two rounds of [rows, then columns] make a tent filter.</summary>
    public const int Rounds = 2;

    /// <summary>The window along an axis of <paramref name="length"/> samples: <c>ceil(length / 128)</c>, half a 64th per round.</summary>
    public static int WindowSize(int length) => (length + (2 * Decimation.Size) - 1) / (2 * Decimation.Size);

    /// <summary>
    /// Box-filters <paramref name="length"/> samples <paramref name="stride"/> apart. With <c>half = (window+2)/2</c>:
    /// add the first <c>half-1</c> samples; for each of the next <c>window-half+1</c> outputs add one and divide by the
    /// count; in the middle add the entering sample, then subtract the leaving one, then divide by the window; for the
    /// last <c>half-1</c> outputs subtract and divide by the shrinking count.
    /// </summary>
    public static void Box1D(ReadOnlySpan<float> input, Span<float> output, int length, int stride, int window)
    {
        var half = (window + 2) / 2;
        var leading = half - 1;
        var growing = window - half + 1;
        var full = length - window;
        var shrinking = half - 1;

        var sum = 0f;
        var count = 0;
        int enter = 0, leave = 0, write = 0;
        for (var i = 0; i < leading; i++, enter += stride)
        {
            sum += input[enter];
            count++;
        }

        for (var i = 0; i < growing; i++, enter += stride, write += stride)
        {
            sum += input[enter];
            count++;
            output[write] = sum / count;
        }

        for (var i = 0; i < full; i++, enter += stride, leave += stride, write += stride)
        {
            sum += input[enter];
            sum -= input[leave];
            output[write] = sum / count;
        }

        for (var i = 0; i < shrinking; i++, leave += stride, write += stride)
        {
            sum -= input[leave];
            count--;
            output[write] = sum / count;
        }
    }

    /// <summary>
    /// <see cref="Box1D"/> on 32 independent sequences at once, one SIMD lane each: position i of lane l is at
    /// <c>i * step + l</c>. Every lane sees exactly the scalar sequence of adds, subtracts and divides, so the result
    /// is bit-identical; four vectors a step keep four dependency chains in flight.
    /// </summary>
    public static void Box32Lanes(ref float input, ref float output, int length, nuint step, int window)
    {
        var half = (window + 2) / 2;
        var leading = half - 1;
        var growing = window - half + 1;
        var full = length - window;
        var shrinking = half - 1;
        const int w = 8;

        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        var count = 0;
        nuint enter = 0, leave = 0, write = 0;
        for (var i = 0; i < leading; i++, enter += step)
        {
            s0 += Vector256.LoadUnsafe(ref input, enter);
            s1 += Vector256.LoadUnsafe(ref input, enter + w);
            s2 += Vector256.LoadUnsafe(ref input, enter + (2 * w));
            s3 += Vector256.LoadUnsafe(ref input, enter + (3 * w));
            count++;
        }

        for (var i = 0; i < growing; i++, enter += step, write += step)
        {
            s0 += Vector256.LoadUnsafe(ref input, enter);
            s1 += Vector256.LoadUnsafe(ref input, enter + w);
            s2 += Vector256.LoadUnsafe(ref input, enter + (2 * w));
            s3 += Vector256.LoadUnsafe(ref input, enter + (3 * w));
            count++;
            Store4(ref output, write, s0, s1, s2, s3, Vector256.Create((float)count));
        }

        var divisor = Vector256.Create((float)count);
        for (var i = 0; i < full; i++, enter += step, leave += step, write += step)
        {
            s0 = (s0 + Vector256.LoadUnsafe(ref input, enter)) - Vector256.LoadUnsafe(ref input, leave);
            s1 = (s1 + Vector256.LoadUnsafe(ref input, enter + w)) - Vector256.LoadUnsafe(ref input, leave + w);
            s2 = (s2 + Vector256.LoadUnsafe(ref input, enter + (2 * w))) - Vector256.LoadUnsafe(ref input, leave + (2 * w));
            s3 = (s3 + Vector256.LoadUnsafe(ref input, enter + (3 * w))) - Vector256.LoadUnsafe(ref input, leave + (3 * w));
            Store4(ref output, write, s0, s1, s2, s3, divisor);
        }

        for (var i = 0; i < shrinking; i++, leave += step, write += step)
        {
            s0 -= Vector256.LoadUnsafe(ref input, leave);
            s1 -= Vector256.LoadUnsafe(ref input, leave + w);
            s2 -= Vector256.LoadUnsafe(ref input, leave + (2 * w));
            s3 -= Vector256.LoadUnsafe(ref input, leave + (3 * w));
            count--;
            Store4(ref output, write, s0, s1, s2, s3, Vector256.Create((float)count));
        }
    }

    /// <summary>
    /// <see cref="Box1D"/> down every column of a plane at once, walking it row by row: the running sums of all columns
    /// sit in <paramref name="sums"/> (one float a column) and each step adds, subtracts and divides whole rows. Memory
    /// is read in order, which walking one column at a time down a large plane is not. Every column sees exactly the
    /// scalar sequence of operations. <paramref name="stride"/> must be a multiple of 8.
    /// </summary>
    public static void AlongColumnsByRows(ReadOnlySpan<float> input, Span<float> output, Span<float> sums, int height, int stride, int window)
    {
        var half = (window + 2) / 2;
        var leading = half - 1;
        var growing = window - half + 1;
        var full = height - window;
        var shrinking = half - 1;

        var state = MemoryMarshal.Cast<float, Vector256<float>>(sums[..stride]);
        state.Clear();
        int enter = 0, leave = 0, write = 0, count = 0;
        for (var i = 0; i < leading; i++, enter++)
        {
            var entering = Row(input, enter, stride);
            for (var x = 0; x < state.Length; x++)
            {
                state[x] += entering[x];
            }

            count++;
        }

        for (var i = 0; i < growing; i++, enter++, write++)
        {
            var entering = Row(input, enter, stride);
            var written = Row(output, write, stride);
            count++;
            var divisor = Vector256.Create((float)count);
            for (var x = 0; x < state.Length; x++)
            {
                var sum = state[x] + entering[x];
                state[x] = sum;
                written[x] = sum / divisor;
            }
        }

        var fullDivisor = Vector256.Create((float)count);
        for (var i = 0; i < full; i++, enter++, leave++, write++)
        {
            var entering = Row(input, enter, stride);
            var leaving = Row(input, leave, stride);
            var written = Row(output, write, stride);
            for (var x = 0; x < state.Length; x++)
            {
                var sum = (state[x] + entering[x]) - leaving[x];
                state[x] = sum;
                written[x] = sum / fullDivisor;
            }
        }

        for (var i = 0; i < shrinking; i++, leave++, write++)
        {
            var leaving = Row(input, leave, stride);
            var written = Row(output, write, stride);
            count--;
            var divisor = Vector256.Create((float)count);
            for (var x = 0; x < state.Length; x++)
            {
                var sum = state[x] - leaving[x];
                state[x] = sum;
                written[x] = sum / divisor;
            }
        }
    }

    private static ReadOnlySpan<Vector256<float>> Row(ReadOnlySpan<float> plane, int y, int stride) =>
        MemoryMarshal.Cast<float, Vector256<float>>(plane.Slice(y * stride, stride));

    private static Span<Vector256<float>> Row(Span<float> plane, int y, int stride) =>
        MemoryMarshal.Cast<float, Vector256<float>>(plane.Slice(y * stride, stride));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(ref float output, nuint at, Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3, Vector256<float> divisor)
    {
        (s0 / divisor).StoreUnsafe(ref output, at);
        (s1 / divisor).StoreUnsafe(ref output, at + 8);
        (s2 / divisor).StoreUnsafe(ref output, at + 16);
        (s3 / divisor).StoreUnsafe(ref output, at + 24);
    }

    /// <summary>Filters every row of a plane.</summary>
    public static void AlongRows(ReadOnlySpan<float> input, Span<float> output, int width, int height, int planeStride, int window)
    {
        for (var y = 0; y < height; y++)
        {
            Box1D(input[(y * planeStride)..], output[(y * planeStride)..], width, 1, window);
        }
    }

    /// <summary>Filters every column of a plane.</summary>
    public static void AlongColumns(ReadOnlySpan<float> input, Span<float> output, int width, int height, int planeStride, int window)
    {
        for (var x = 0; x < width; x++)
        {
            Box1D(input[x..], output[x..], height, planeStride, window);
        }
    }
}
