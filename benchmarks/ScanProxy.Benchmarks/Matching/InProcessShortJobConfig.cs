using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ScanProxy.Benchmarks.Matching;

/// <summary>
/// One in-process job with few iterations: the 10-million-entry query cases share an index built once per
/// process (<see cref="IndexCache"/>), a brute-force scan takes a large fraction of a second, and a build
/// several seconds.
/// </summary>
public sealed class InProcessShortJobConfig : ManualConfig
{
    public InProcessShortJobConfig()
    {
        Add(DefaultConfig.Instance);
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(3)
            .WithStrategy(RunStrategy.Throughput)
            .AsDefault());
    }
}
