using BenchmarkDotNet.Running;
using ScanProxy.Benchmarks.Matching;

if (args.Length > 0 && args[0] == "matching-latency")
{
    return MatchingLatency.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
