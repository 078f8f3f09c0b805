using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ScanProxy.Matching;

/// <summary>
/// Allocates the index's large arrays pinned and, on Linux, asks for transparent huge pages on them.
/// </summary>
/// <remarks>
/// Building an index first-touches about a gigabyte per 10M entries, and on the virtual machines we measured each
/// fresh 4 KiB page cost about 13 microseconds to fault in: page faults were more than half of the CPU time of
/// loading a 10M-line list. With 2 MiB pages, loading a 10M-line list took 7.1-7.3 s instead of 9.5-10.8 s and an index build 3.4 s instead of
/// 6.1-6.6 s (benchmarks/README.md); queries were as fast either way. Debian's default THP mode is
/// <c>madvise</c>, so without the advice the process never gets them. Pinned arrays never move, so the advised
/// range stays theirs; where the advice is refused the arrays simply keep small pages.
/// </remarks>
internal static partial class LargeArrays
{
    private const nint HugePage = 2 * 1024 * 1024;
    private const int MadviseHugePage = 14;

    public static T[] Allocate<T>(int length)
        where T : unmanaged
    {
        var array = GC.AllocateUninitializedArray<T>(length, pinned: true);
        var bytes = (nint)length * Unsafe.SizeOf<T>();
        if (OperatingSystem.IsLinux() && bytes >= 2 * HugePage)
        {
            Advise(array, bytes);
        }

        return array;
    }

    /// <summary>
    /// Like <see cref="Allocate{T}"/>, with room to start on an <paramref name="alignment"/>-byte boundary: the
    /// <paramref name="length"/> elements from <paramref name="skip"/> on are aligned, and stay so because the array is pinned.
    /// </summary>
    public static unsafe T[] AllocateAligned<T>(int length, int alignment, out int skip)
        where T : unmanaged
    {
        // Array data is 8-byte aligned, so at most alignment - 8 bytes are skipped.
        var array = Allocate<T>(length + ((alignment - 8) / sizeof(T)));
        var address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        skip = (int)((alignment - (address & (alignment - 1))) & (alignment - 1)) / sizeof(T);
        return array;
    }

    private static unsafe void Advise<T>(T[] array, nint bytes)
        where T : unmanaged
    {
        var address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        var start = (address + HugePage - 1) & ~(HugePage - 1);
        var end = (address + bytes) & ~(HugePage - 1);
        if (end > start)
        {
            // The result is ignored on purpose: huge pages are an optimisation, and small pages are still correct.
            _ = Madvise(start, (nuint)(end - start), MadviseHugePage);
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
