using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ScanProxy.Matching;
using ScanProxy.Pdq;

namespace ScanProxy.Benchmarks.Matching;

/// <summary>Time to fold and index 1M and 10M synthetic hashes (a list reload after parsing).</summary>
[InProcess]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 2)]
[MemoryDiagnoser]
public class PdqIndexBuildBenchmarks
{
    private PdqHash[] _hashes = null!;

    /// <summary>The number of entries in the list.</summary>
    [Params(1_000_000, 10_000_000)]
    public int Entries { get; set; }

    /// <summary>How the entries are spread.</summary>
    [Params(HashSpread.Uniform, HashSpread.Clustered)]
    public HashSpread Spread { get; set; }

    [GlobalSetup]
    public void Setup() => _hashes = SyntheticHashes.Generate(Entries, Spread, seed: 1);

    [Benchmark(Description = "build index")]
    public int Build() => PdqIndex.Create(_hashes).Count;
}
