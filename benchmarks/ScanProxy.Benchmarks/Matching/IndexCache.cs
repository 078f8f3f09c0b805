using ScanProxy.Matching;
using ScanProxy.Pdq;

namespace ScanProxy.Benchmarks.Matching;

/// <summary>
/// Builds each synthetic index once per process: the benchmarks run in-process, and building 10 million
/// entries for every benchmark case would take most of the run. Only the latest index is kept.
/// </summary>
internal static class IndexCache
{
    private static (int Entries, HashSpread Spread, PdqHash[] Hashes, PdqIndex Index)? s_current;

    public static (PdqHash[] Hashes, PdqIndex Index) Get(int entries, HashSpread spread)
    {
        if (s_current is { } current && current.Entries == entries && current.Spread == spread)
        {
            return (current.Hashes, current.Index);
        }

        s_current = null;
        GC.Collect();
        var hashes = SyntheticHashes.Generate(entries, spread, seed: 1);
        var index = PdqIndex.Create(hashes);
        s_current = (entries, spread, hashes, index);
        return (hashes, index);
    }
}
