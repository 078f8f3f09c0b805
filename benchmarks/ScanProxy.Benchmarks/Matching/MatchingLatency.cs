using System.Diagnostics;
using System.Globalization;
using ScanProxy.Matching;
using ScanProxy.Pdq;

namespace ScanProxy.Benchmarks.Matching;

/// <summary>
/// Median and p99 latency of single index queries (BenchmarkDotNet reports means), with candidates per query,
/// against the brute-force scan. Run: <c>dotnet run -c Release -- matching-latency [entries] [uniform|clustered] [m b]</c>.
/// </summary>
internal static class MatchingLatency
{
    public static int Run(string[] args)
    {
        var entries = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000_000;
        var spread = args.Length > 1 ? Enum.Parse<HashSpread>(args[1], ignoreCase: true) : HashSpread.Uniform;
        MihLayout? layout = args.Length > 3
            ? new MihLayout(int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture))
            : null;

        var hashes = SyntheticHashes.Generate(entries, spread, seed: 1);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var index = PdqIndex.Create(hashes, layout);
        var buildTime = stopwatch.Elapsed;
        var buildCpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(index);
        Console.WriteLine($"{entries:N0} {spread} entries, layout {index.Layout.Substrings} x {index.Layout.Bits} bits: " +
                          $"build {buildTime.TotalSeconds:F2} s wall, {buildCpu.TotalSeconds:F2} s CPU (all threads), index {index.IndexMemoryBytes / (double)index.Count:F1} B/entry, " +
                          $"heap growth {(after - before) / (double)index.Count:F1} B/entry");

        var random = new Random(2);
        Measure("1 variant, r=31, random queries", index, random, variants: 1, near: false, queries: 10_000);
        Measure("8 variants, r=31, random queries", index, random, variants: 8, near: false, queries: 10_000);
        Measure("8 variants, r=31, one variant 0-31 bits from an entry", index, random, variants: 8, near: true, queries: 10_000, hashes);
        Measure("8 variants, brute force", index, random, variants: 8, near: false, queries: 20, scan: true);
        return 0;
    }

    private static void Measure(string label, PdqIndex index, Random random, int variants, bool near, int queries, PdqHash[]? entries = null, bool scan = false)
    {
        var query = new PdqHash[variants];
        var times = new double[queries];
        var cpuTimes = new double[queries];
        var matches = 0;
        for (var i = 0; i < queries; i++)
        {
            for (var v = 0; v < variants; v++)
            {
                query[v] = SyntheticHashes.Random(random);
            }

            if (near && entries is not null)
            {
                query[random.Next(variants)] = SyntheticHashes.Flip(entries[random.Next(entries.Length)], random.Next(32), random);
            }

            var cpuStart = ThreadCpuClock.Nanoseconds();
            var start = Stopwatch.GetTimestamp();
            var found = scan ? index.TryFindBestByScan(query, 31, out _) : index.TryFindBest(query, 31, out _);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            cpuTimes[i] = (ThreadCpuClock.Nanoseconds() - cpuStart) / 1e6;
            matches += found ? 1 : 0;
        }

        Array.Sort(times);
        Array.Sort(cpuTimes);
        Console.WriteLine($"  {label}: {matches} of {queries} matched");
        Console.WriteLine($"    wall:       median {times[queries / 2]:F3} ms, p99 {times[(int)(queries * 0.99)]:F3} ms, mean {times.Average():F3} ms, max {times[^1]:F3} ms");
        Console.WriteLine($"    thread CPU: median {cpuTimes[queries / 2]:F3} ms, p99 {cpuTimes[(int)(queries * 0.99)]:F3} ms, mean {cpuTimes.Average():F3} ms, max {cpuTimes[^1]:F3} ms");
    }
}
