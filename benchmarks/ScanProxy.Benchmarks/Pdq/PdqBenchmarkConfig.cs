using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ScanProxy.Benchmarks.Pdq;

/// <summary>
/// Two short jobs: the usual wall-clock one, and one that times the benchmark thread's CPU time in process, which
/// stays meaningful while other builds share the machine. Both report images a second.
/// </summary>
internal sealed class PdqBenchmarkConfig : ManualConfig
{
    public PdqBenchmarkConfig()
    {
        var shortJob = Job.Default.WithWarmupCount(2).WithIterationCount(5);
        AddJob(shortJob.WithId("wall-clock"));
        AddJob(shortJob.WithToolchain(InProcessEmitToolchain.Instance).WithClock(new ThreadCpuClock()).WithId("thread-cpu"));
        AddColumn(new ImagesPerSecondColumn());
    }
}
