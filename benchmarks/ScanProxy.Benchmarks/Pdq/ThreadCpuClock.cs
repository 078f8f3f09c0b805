using System.Runtime.InteropServices;
using Perfolizer.Horology;

namespace ScanProxy.Benchmarks.Pdq;

/// <summary>
/// A BenchmarkDotNet clock that reads the calling thread's CPU time (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>) instead of
/// wall time. On a shared machine where other processes take turns on the cores, it still counts only the cycles the
/// benchmark itself used (cache and memory contention from the others still shows).
/// </summary>
internal sealed partial class ThreadCpuClock : IClock
{
    private const int ClockThreadCpuTimeId = 3;
    private const long NanosecondsPerSecond = 1_000_000_000;

    public string Title => "thread CPU time";

    public bool IsAvailable => OperatingSystem.IsLinux() && clock_gettime(ClockThreadCpuTimeId, out _) == 0;

    public Frequency Frequency => new(NanosecondsPerSecond);

    public long GetTimestamp()
    {
        if (clock_gettime(ClockThreadCpuTimeId, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");
        }

        return (time.Seconds * NanosecondsPerSecond) + time.Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int clock_gettime(int clockId, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
