using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace ScanProxy.Matching;

/// <summary>Asks the processor to start loading a cache line that a search will read soon.</summary>
internal static class CacheHint
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch<T>(ref T location)
    {
        // A prefetch is only a hint: it never faults and a moved object only makes it useless.
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref location));
        }
    }

    /// <summary>
    /// Like <see cref="Prefetch{T}"/>, and also the line holding the last byte of <paramref name="location"/>.
    /// </summary>
    /// <remarks>
    /// .NET aligns array data to 8 bytes only, so unless it happens to start on a 32-byte boundary every other
    /// 32-byte hash straddles two cache lines. The index's hash array never did: large pinned arrays, each at the
    /// start of a region of its own, began at byte 56 of a line in every run we looked at. When only a hash's first
    /// line was prefetched, the distance check stalled on the second: prefetching both cut the median 8-variant
    /// query at 10M entries by 15-19 % in five runs in one process (benchmarks/README.md).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PrefetchWhole<T>(ref T location)
    {
        Prefetch(ref location);
        Prefetch(ref Unsafe.AddByteOffset(ref location, Unsafe.SizeOf<T>() - 1));
    }
}
