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
