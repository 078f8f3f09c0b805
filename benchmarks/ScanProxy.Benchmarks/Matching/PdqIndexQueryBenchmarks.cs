using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ScanProxy.Matching;
using ScanProxy.Pdq;

namespace ScanProxy.Benchmarks.Matching;

/// <summary>
/// Query time of the PDQ index at radius 31 for one hash and for the 8 dihedral variants, with the brute-force
/// scan of the same index as the baseline. Queries are random (no match): the common case of a scanner.
/// Means only; <see cref="MatchingLatency"/> gives median and p99.
/// </summary>
[InProcess]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser]
public class PdqIndexQueryBenchmarks
{
    private const int MaxDistance = 31;
    private const int QuerySets = 256;
    private PdqIndex _index = null!;
    private PdqHash[][] _queries = null!;
    private int _next;

    /// <summary>The number of entries in the list.</summary>
    [Params(1_000_000, 10_000_000)]
    public int Entries { get; set; }

    /// <summary>How the entries are spread.</summary>
    [Params(HashSpread.Uniform, HashSpread.Clustered)]
    public HashSpread Spread { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _index = IndexCache.Get(Entries, Spread).Index;
        var random = new Random(3);
        _queries = new PdqHash[QuerySets][];
        for (var q = 0; q < QuerySets; q++)
        {
            _queries[q] = new PdqHash[8];
            for (var v = 0; v < 8; v++)
            {
                _queries[q][v] = SyntheticHashes.Random(random);
            }
        }
    }

    [Benchmark(Description = "index, 1 hash, r=31")]
    public bool OneHash() => _index.TryFindBest(_queries[Next()].AsSpan(0, 1), MaxDistance, out _);

    [Benchmark(Description = "index, 8 variants, r=31")]
    public bool EightVariants() => _index.TryFindBest(_queries[Next()], MaxDistance, out _);

    [Benchmark(Baseline = true, Description = "brute force, 8 variants, r=31")]
    public bool EightVariantsBruteForce() => _index.TryFindBestByScan(_queries[Next()], MaxDistance, out _);

    private int Next() => _next = (_next + 1) % QuerySets;
}
