using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace ScanProxy.Matching;

/// <summary>Asks the processor to start loading a cache line that a search will read soon, into the L2.</summary>
/// <remarks>
/// The probe pipeline keeps about 48 KB of prefetched lines on their way at once (128 bucket lines, 128 postings and
/// up to 512 hashes per batch), more than a 32 KB L1d holds, so lines prefetched into the L1 can push out others
/// before they are read (this VM has no counters to show it). Into the L2 (T1), the median 8-variant query at 10M
/// entries fell 16 % and 34 % in two rounds against T0 on the same build, and T1 at only some of the three places was
/// slower than at all of them (benchmarks/README.md).
/// </remarks>
internal static class CacheHint
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch<T>(ref T location)
    {
        // A prefetch is only a hint: it never faults and a moved object only makes it useless.
        if (Sse.IsSupported)
        {
            Sse.Prefetch1(Unsafe.AsPointer(ref location));
        }
    }
}
