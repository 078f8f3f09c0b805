using System.Diagnostics;
using System.Globalization;
using ScanProxy.Matching;
using ScanProxy.Pdq;

namespace ScanProxy.Benchmarks.Matching;

/// <summary>
/// Compares substring layouts on one list: memory, probes and measured candidates per 8-variant query at
/// radius 31, and thread-CPU time. Run: <c>dotnet run -c Release -- matching-layouts [entries] [uniform|clustered]</c>.
/// </summary>
internal static class LayoutComparison
{
    private static readonly MihLayout[] s_layouts = [new(16, 16), new(13, 19), new(12, 21), new(11, 23), new(10, 25)];

    public static int Run(string[] args)
    {
        var entries = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000_000;
        var spread = args.Length > 1 ? Enum.Parse<HashSpread>(args[1], ignoreCase: true) : HashSpread.Uniform;
        var hashes = SyntheticHashes.Generate(entries, spread, seed: 1);
        Console.WriteLine($"{entries:N0} {spread} entries; chosen layout {MihLayout.For(entries)}");
        foreach (var layout in s_layouts)
        {
            var stopwatch = Stopwatch.StartNew();
            var index = PdqIndex.Create(hashes, layout);
            var build = stopwatch.Elapsed;
            var random = new Random(5);
            const int Queries = 500;
            long candidates = 0;
            var times = new double[Queries];
            var query = new PdqHash[8];
            for (var q = 0; q < Queries; q++)
            {
                for (var v = 0; v < 8; v++)
                {
                    query[v] = SyntheticHashes.Random(random);
                }

                candidates += index.CountCandidates(query, 31);
                var cpu = ThreadCpuClock.Nanoseconds();
                index.TryFindBest(query, 31, out _);
                times[q] = (ThreadCpuClock.Nanoseconds() - cpu) / 1e6;
            }

            Array.Sort(times);
            Console.WriteLine($"  {layout.Substrings,2} x {layout.Bits} bits: {index.IndexMemoryBytes / (double)index.Count:F1} B/entry, build {build.TotalSeconds:F1} s, " +
                              $"{8 * layout.Probes(31):F0} probes and {candidates / (double)Queries:F0} candidates per 8-variant query, " +
                              $"thread CPU median {times[Queries / 2]:F3} ms, p99 {times[(int)(Queries * 0.99)]:F3} ms");
        }

        return 0;
    }
}
