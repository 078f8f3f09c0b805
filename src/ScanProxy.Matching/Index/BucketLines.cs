using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ScanProxy.Matching;

/// <summary>
/// The bucket starts of a substring table, 29 buckets to a 64-byte cache line: a 32-bit base and 30 16-bit
/// offsets from it, the starts of the line's buckets and the end of its last. A probe reads one line.
/// </summary>
/// <remarks>
/// Before, a 32-bit base per 64 buckets and a 16-bit offset per bucket lay in two arrays: two cache misses per
/// probe, since the bases (5.7 MB over the 11 tables of a 10M-entry index) do not stay in a 1 MB L2. With both
/// in one line, the median 8-variant query at 10M entries fell 10 % and 16 % in two runs in one process
/// (benchmarks/README.md), for 0.14 bytes more per bucket. One-byte offsets, 59 buckets to a line, were not
/// clearly faster (+0.5, -4.8, -0.7 and -4.9 %) and would overflow on lists with many near-duplicates.
/// </remarks>
internal readonly struct BucketLines
{
    private const int BucketsPerLine = 29;
    private const int LineBytes = 64;
    private const int LineShorts = LineBytes / sizeof(ushort);

    private readonly ushort[] _shorts;
    private readonly int _skip;

    private BucketLines(ushort[] shorts, int skip)
    {
        _shorts = shorts;
        _skip = skip;
    }

    public long MemoryBytes => sizeof(ushort) * (_shorts?.LongLength ?? 0);

    /// <summary>The bytes of the lines of <paramref name="buckets"/> buckets.</summary>
    public static long BytesFor(int buckets) => (long)LineCount(buckets) * LineBytes;

    /// <summary>The range of bucket <paramref name="key"/>, which must be below the table's bucket count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void GetRange(uint key, out uint start, out uint end)
    {
        var line = key / BucketsPerLine;
        var slot = (int)(key - (line * BucketsPerLine));
        ref var at = ref LineAt(line);
        var lineBase = Unsafe.ReadUnaligned<uint>(ref Unsafe.As<ushort, byte>(ref at));
        start = lineBase + Unsafe.Add(ref at, 2 + slot);
        end = lineBase + Unsafe.Add(ref at, 3 + slot);
    }

    /// <summary>Starts loading the line of bucket <paramref name="key"/> into the cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(uint key) => CacheHint.Prefetch(ref LineAt(key / BucketsPerLine));

    private static int LineCount(int buckets) => (buckets + BucketsPerLine - 1) / BucketsPerLine;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref ushort LineAt(uint line) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_shorts), _skip + ((nint)line * LineShorts));

    /// <summary>Takes the bucket starts in order and lays them out in lines.</summary>
    public sealed class Builder
    {
        private readonly ushort[] _shorts;
        private readonly int _skip;
        private readonly int _buckets;
        private uint _lineBase;
        private bool _fits = true;

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
            var line = key / BucketsPerLine;
            var slot = key - (line * BucketsPerLine);
            if (slot == 0)
            {
                if (line > 0)
                {
                    Write(line - 1, BucketsPerLine, start);
                }

                if (key == _buckets)
                {
                    return;
                }

                _lineBase = start;
                Unsafe.WriteUnaligned(ref Unsafe.As<ushort, byte>(ref _shorts[_skip + (line * LineShorts)]), start);
            }

            Write(line, slot, start);
        }

        /// <summary>The lines, unless a line's buckets hold 65,536 or more entries between them.</summary>
        public bool TryBuild(out BucketLines lines)
        {
            lines = _fits ? new BucketLines(_shorts, _skip) : default;
            return _fits;
        }

        private void Write(int line, int slot, uint start)
        {
            var offset = start - _lineBase;
            _fits &= offset <= ushort.MaxValue;
            _shorts[_skip + (line * LineShorts) + 2 + slot] = (ushort)offset;
        }
    }
}
