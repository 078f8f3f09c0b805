namespace ScanProxy.Matching;

/// <summary>
/// Stable least-significant-digit radix sort of 64-bit values by a bit field. Building the index sorts
/// millions of (key, entry) pairs per substring table; 12-bit digits keep each scatter pass within 4,096
/// write streams, which the caches follow, where a direct counting sort over 2^23 buckets misses on nearly
/// every write.
/// </summary>
internal static class RadixSort
{
    private const int DigitBits = 12;

    /// <summary>
    /// Sorts <paramref name="values"/> by bits [<paramref name="shift"/>, <paramref name="shift"/> + <paramref name="bits"/>),
    /// keeping the order of equal fields; returns whichever of the two arrays holds the result.
    /// </summary>
    public static ulong[] SortByField(ulong[] values, ulong[] scratch, int shift, int bits)
    {
        var counts = new int[1 << DigitBits];
        var source = values;
        var target = scratch;
        for (var low = 0; low < bits; low += DigitBits)
        {
            var width = Math.Min(DigitBits, bits - low);
            var mask = (1UL << width) - 1;
            var digitShift = shift + low;
            Array.Clear(counts);
            foreach (var value in source)
            {
                counts[(int)((value >> digitShift) & mask)]++;
            }

            var total = 0;
            for (var d = 0; d < counts.Length; d++)
            {
                (counts[d], total) = (total, total + counts[d]);
            }

            foreach (var value in source)
            {
                target[counts[(int)((value >> digitShift) & mask)]++] = value;
            }

            (source, target) = (target, source);
        }

        return source;
    }
}
