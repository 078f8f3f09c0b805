using System.Diagnostics;
using System.Globalization;
using ScanProxy.Matching;
using ScanProxy.Pdq;

namespace ScanProxy.Benchmarks.Matching;

/// <summary>
/// Two index layouts over the same hashes, in one process, queried in alternation: the VM's memory speed swings
/// between processes by more than most layout changes are worth, while both indexes here see the same swings.
/// Which index lands in faster memory still differs, so run it with both build orders.
/// Run: <c>dotnet run -c Release -- matching-ab [entries] [uniform|clustered] [layout A] [layout B] [a-first|b-first]</c>,
/// a layout written <c>substrings x bits x posting bytes</c>, for instance <c>11x23x4</c>.
/// </summary>
internal static class LayoutAb
{
    private const int WarmUpQueries = 2_000;
    private const int Queries = 20_000;

    public static int Run(string[] args)
    {
        var entries = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000_000;
        var spread = args.Length > 1 ? Enum.Parse<HashSpread>(args[1], ignoreCase: true) : HashSpread.Uniform;
        MihLayout[] layouts = [Parse(args.Length > 2 ? args[2] : "11x23x4"), Parse(args.Length > 3 ? args[3] : "11x23x3")];
        var bFirst = args.Length > 4 && args[4] == "b-first";

        var hashes = SyntheticHashes.Generate(entries, spread, seed: 1);
        var indexes = new PdqIndex[2];
        foreach (var i in bFirst ? new[] { 1, 0 } : [0, 1])
        {
            indexes[i] = PdqIndex.Create(hashes, layouts[i]);
        }

        var random = new Random(2);
        var query = new PdqHash[8];
        var times = new[] { new double[Queries], new double[Queries] };
        for (var q = -WarmUpQueries; q < Queries; q++)
        {
            for (var i = 0; i < 2; i++)
            {
                for (var v = 0; v < query.Length; v++)
                {
                    query[v] = SyntheticHashes.Random(random);
                }

                var start = Stopwatch.GetTimestamp();
                indexes[i].TryFindBest(query, 31, out _);
                if (q >= 0)
                {
                    times[i][q] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            }
        }

        Console.WriteLine($"{entries:N0} {spread} entries, 8 random variants at r=31, {Queries:N0} queries each after {WarmUpQueries:N0} to warm up, {(bFirst ? "B" : "A")} built first");
        for (var i = 0; i < 2; i++)
        {
            var t = times[i];
            Array.Sort(t);
            Console.WriteLine($"  {(i == 0 ? 'A' : 'B')} {Format(layouts[i])}, {indexes[i].IndexMemoryBytes / (double)indexes[i].Count:F1} B/entry: " +
                              $"median {t[Queries / 2]:F3} ms, p90 {t[Queries * 9 / 10]:F3} ms, p99 {t[Queries * 99 / 100]:F3} ms");
        }

        return 0;
    }

    private static MihLayout Parse(string text)
    {
        var parts = text.Split('x');
        return new MihLayout(
            int.Parse(parts[0], CultureInfo.InvariantCulture),
            int.Parse(parts[1], CultureInfo.InvariantCulture),
            parts.Length > 2 ? int.Parse(parts[2], CultureInfo.InvariantCulture) : 4);
    }

    private static string Format(MihLayout layout) => $"{layout.Substrings}x{layout.Bits}x{layout.PostingBytes}";
}
