using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ScanProxy.Matching;

/// <summary>
/// The bucket starts of a substring table, 29 buckets to a 64-byte cache line: a 32-bit base and 30 16-bit
/// offsets from it, the starts of the line's buckets and the end of its last. A probe reads one line. When a line's
/// buckets hold 65,536 entries or more between them (extreme clustering), the table keeps plain 32-bit starts instead.
/// </summary>
/// <remarks>
/// Before, a 32-bit base per 64 buckets and a 16-bit offset per bucket lay in two arrays: two reads per probe at
/// two places, the bases (5.7 MB over the 11 tables of a 10M-entry index) beyond the 1 MB L2. With both
/// in one line, the median 8-variant query at 10M entries fell 10 % and 16 % in two runs in one process
/// (benchmarks/README.md), for 0.14 bytes more per bucket. One-byte offsets, 59 buckets to a line, were not
/// clearly faster (+0.5, -4.8, -0.7 and -4.9 %) and would overflow on lists with many near-duplicates.
/// </remarks>
internal readonly struct BucketLines
{
    private const int BucketsPerLine = 29;
    private const int LineBytes = 64;
    private const int LineShorts = LineBytes / sizeof(ushort);

    private readonly ushort[]? _shorts;
    private readonly int _skip;
    private readonly uint[]? _wide;

    private BucketLines(ushort[]? shorts, int skip, uint[]? wide)
    {
        _shorts = shorts;
        _skip = skip;
        _wide = wide;
    }

    public long MemoryBytes => (sizeof(ushort) * (_shorts?.LongLength ?? 0)) + (sizeof(uint) * (_wide?.LongLength ?? 0));

    /// <summary>The bytes of the lines of <paramref name="buckets"/> buckets.</summary>
    public static long BytesFor(int buckets) => (long)LineCount(buckets) * LineBytes;

    /// <summary>The range of bucket <paramref name="key"/>, which must be below the table's bucket count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void GetRange(uint key, out uint start, out uint end)
    {
        if (_wide is { } wide)
        {
            start = wide[key];
            end = wide[key + 1];
            return;
        }

        var line = key / BucketsPerLine;
        var slot = (int)(key - (line * BucketsPerLine));
        ref var at = ref LineAt(line);
        var lineBase = Unsafe.ReadUnaligned<uint>(ref Unsafe.As<ushort, byte>(ref at));
        start = lineBase + Unsafe.Add(ref at, 2 + slot);
        end = lineBase + Unsafe.Add(ref at, 3 + slot);
    }

    /// <summary>Starts loading the line of bucket <paramref name="key"/> into the cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(uint key)
    {
        if (_wide is { } wide)
        {
            CacheHint.Prefetch(ref wide[key]);
        }
        else
        {
            CacheHint.Prefetch(ref LineAt(key / BucketsPerLine));
        }
    }

    private static int LineCount(int buckets) => (buckets + BucketsPerLine - 1) / BucketsPerLine;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref ushort LineAt(uint line) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_shorts!), _skip + ((nint)line * LineShorts));

    /// <summary>Takes the bucket starts in order and lays them out in lines, or in 32-bit starts once a line overflows.</summary>
    public sealed class Builder
    {
        private readonly int _skip;
        private readonly int _buckets;
        private ushort[]? _shorts;
        private uint[]? _wide;
        private uint _lineBase;

        public Builder(int buckets)
        {
            _buckets = buckets;
            _shorts = LargeArrays.AllocateAligned<ushort>(LineCount(buckets) * LineShorts, LineBytes, out _skip);
        }

        /// <summary>
        /// Sets the start of bucket <paramref name="key"/>; called for every key from 0 to the bucket count in order,
        /// the last being the end of the postings.
        /// </summary>
        public void SetStart(int key, uint start)
        {
            if (_wide is null && !TryWriteLine(key, start))
            {
                ToWide(key);
            }

            if (_wide is not null)
            {
                _wide[key] = start;
            }
        }

        public BucketLines Build() => new(_shorts, _skip, _wide);

        private bool TryWriteLine(int key, uint start)
        {
            var line = key / BucketsPerLine;
            var slot = key - (line * BucketsPerLine);
            if (slot == 0)
            {
                if (line > 0 && !TryWrite(line - 1, BucketsPerLine, start))
                {
                    return false;
                }

                if (key == _buckets)
                {
                    return true;
                }

                _lineBase = start;
                Unsafe.WriteUnaligned(ref Unsafe.As<ushort, byte>(ref _shorts![_skip + (line * LineShorts)]), start);
            }

            return TryWrite(line, slot, start);
        }

        private bool TryWrite(int line, int slot, uint start)
        {
            var offset = start - _lineBase;
            if (offset > ushort.MaxValue)
            {
                return false;
            }

            _shorts![_skip + (line * LineShorts) + 2 + slot] = (ushort)offset;
            return true;
        }

        // Moves the starts of the keys before this one out of the lines; the lines are dropped.
        private void ToWide(int key)
        {
            var lines = new BucketLines(_shorts, _skip, null);
            var wide = new uint[_buckets + 1];
            for (var k = 0; k < key; k++)
            {
                lines.GetRange((uint)k, out wide[k], out _);
            }

            _wide = wide;
            _shorts = null;
        }
    }
}
