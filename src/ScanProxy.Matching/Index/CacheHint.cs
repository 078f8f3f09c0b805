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
    /// A 32-byte hash in a .NET array straddles two cache lines half the time: array data began 8 bytes before a
    /// line boundary in every pinned array we looked at, so every other element starts at byte 56 of a line. When
    /// only its first line was prefetched, the distance check stalled on the second: prefetching both cut the
    /// median 8-variant query at 10M entries by 15-19 % in five runs (benchmarks/README.md).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PrefetchWhole<T>(ref T location)
    {
        Prefetch(ref location);
        Prefetch(ref Unsafe.AddByteOffset(ref location, Unsafe.SizeOf<T>() - 1));
    }
}
