namespace ScanProxy.Matching;

/// <summary>
/// Stable least-significant-digit radix sort of 64-bit values by a bit field. Folding a list sorts millions of
/// (key, line) pairs by their substring-0 key; 12-bit digits keep each scatter pass within 4,096 write streams,
/// which the caches follow, where a direct counting sort over 2^23 buckets misses on nearly every write.
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
        var digits = (bits + DigitBits - 1) / DigitBits;
        var counts = new int[digits, 1 << DigitBits];
        var mask = (1UL << DigitBits) - 1;

        // One read pass counts every digit.
        foreach (var value in values)
        {
            for (var d = 0; d < digits; d++)
            {
                counts[d, (int)((value >> (shift + (d * DigitBits))) & mask)]++;
            }
        }

        var source = values;
        var target = scratch;
        for (var d = 0; d < digits; d++)
        {
            var total = 0;
            for (var digit = 0; digit <= (int)mask; digit++)
            {
                (counts[d, digit], total) = (total, total + counts[d, digit]);
            }

            var digitShift = shift + (d * DigitBits);
            foreach (var value in source)
            {
                target[counts[d, (int)((value >> digitShift) & mask)]++] = value;
            }

            (source, target) = (target, source);
        }

        return source;
    }
}
