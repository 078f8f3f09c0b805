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
}
