using System.Numerics;

namespace ScanProxy.Matching;

/// <summary>
/// Enumerates the keys within a Hamming radius of a key, nearest first, in batches: every mask of 0, 1, ...,
/// radius set bits below 2^bits (Gosper's hack gives the next mask with the same number of bits).
/// </summary>
internal struct FlipMasks(int bits, int radius)
{
    private readonly ulong _limit = 1UL << bits;
    private int _flips;
    private ulong _mask;

    /// <summary>Writes the next keys (<paramref name="key"/> XOR each mask) and returns how many; 0 when done.</summary>
    public int Fill(uint key, Span<uint> destination)
    {
        var count = 0;
        while (count < destination.Length && _flips <= radius)
        {
            if (_mask >= _limit)
            {
                _flips++;
                _mask = (1UL << _flips) - 1;
                continue;
            }

            destination[count++] = key ^ (uint)_mask;
            if (_mask == 0)
            {
                _flips++;
                _mask = (1UL << _flips) - 1;
                continue;
            }

            var lowest = _mask & (~_mask + 1);
            var ripple = _mask + lowest;
            _mask = (((ripple ^ _mask) >> 2) >> BitOperations.TrailingZeroCount(lowest)) | ripple;
        }

        return count;
    }
}
