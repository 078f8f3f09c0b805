using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ScanProxy.Benchmarks.Matching;

/// <summary>One in-process job that times two single runs: building a 10-million-entry index takes tens of seconds.</summary>
public sealed class InProcessColdStartConfig : ManualConfig
{
    public InProcessColdStartConfig()
    {
        Add(DefaultConfig.Instance);
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(0)
            .WithIterationCount(2)
            .WithStrategy(RunStrategy.ColdStart)
            .AsDefault());
    }
}
