using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScanProxy.Pdq.Hashing;

/// <summary>
/// <see cref="BoxFilter.Box1D"/> down every column of a plane at once, fed and drained one row at a time: the running
/// sums of all columns sit in one row of floats, and each output row is one add, add-and-subtract or subtract of whole
/// rows followed by a divide. Every column sees exactly the scalar sequence of operations. Rows are read in order, so
/// the input can be a ring of recent rows rather than the whole plane.
/// </summary>
internal ref struct ColumnStream
{
    private readonly Span<Vector256<float>> _sums;
    private readonly int _length;
    private readonly int _window;
    private readonly int _half;
    private readonly int _growing;
    private readonly int _full;
    private int _next;
    private int _count;

    /// <param name="sums">One float a column (a multiple of 8); cleared here.</param>
    /// <param name="length">Rows in the plane.</param>
    /// <param name="window">The filter window along the columns.</param>
    public ColumnStream(Span<float> sums, int length, int window)
    {
        _sums = MemoryMarshal.Cast<float, Vector256<float>>(sums);
        _sums.Clear();
        _length = length;
        _window = window;
        _half = (window + 2) / 2;
        _growing = window - _half + 1;
        _full = length - window;
    }

    /// <summary>The row that <see cref="Emit"/> writes next.</summary>
    public readonly int NextRow => _next;

    /// <summary>Whether every row has been written.</summary>
    public readonly bool Done => _next >= _length;

    /// <summary>The last input row that the next output row needs.</summary>
    public readonly int NeededRow => Math.Min(_next + _half - 1, _length - 1);

    /// <summary>
    /// Writes output row <see cref="NextRow"/> to <paramref name="output"/>. Input row y is row <c>y % ringRows</c> of
    /// <paramref name="ring"/>; rows <c>NextRow - window .. NeededRow</c> must be there.
    /// </summary>
    public void Emit(ReadOnlySpan<float> ring, int ringRows, int stride, Span<float> output)
    {
        var written = MemoryMarshal.Cast<float, Vector256<float>>(output[..stride]);
        var w = _next++;
        if (w == 0)
        {
            for (var y = 0; y < _half - 1; y++)
            {
                var entering = Row(ring, y, ringRows, stride);
                for (var x = 0; x < _sums.Length; x++)
                {
                    _sums[x] += entering[x];
                }

                _count++;
            }
        }

        if (w < _growing)
        {
            var entering = Row(ring, w + _half - 1, ringRows, stride);
            _count++;
            var divisor = Vector256.Create((float)_count);
            for (var x = 0; x < _sums.Length; x++)
            {
                var sum = _sums[x] + entering[x];
                _sums[x] = sum;
                written[x] = sum / divisor;
            }
        }
        else if (w < _growing + _full)
        {
            var i = w - _growing;
            var entering = Row(ring, _window + i, ringRows, stride);
            var leaving = Row(ring, i, ringRows, stride);
            var divisor = Vector256.Create((float)_count);
            for (var x = 0; x < _sums.Length; x++)
            {
                var sum = (_sums[x] + entering[x]) - leaving[x];
                _sums[x] = sum;
                written[x] = sum / divisor;
            }
        }
        else
        {
            var leaving = Row(ring, w - _growing, ringRows, stride);
            _count--;
            var divisor = Vector256.Create((float)_count);
            for (var x = 0; x < _sums.Length; x++)
            {
                var sum = _sums[x] - leaving[x];
                _sums[x] = sum;
                written[x] = sum / divisor;
            }
        }
    }

    private static ReadOnlySpan<Vector256<float>> Row(ReadOnlySpan<float> ring, int y, int ringRows, int stride) =>
        MemoryMarshal.Cast<float, Vector256<float>>(ring.Slice(y % ringRows * stride, stride));
}
