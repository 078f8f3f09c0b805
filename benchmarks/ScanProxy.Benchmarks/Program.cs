using BenchmarkDotNet.Running;
using ScanProxy.Benchmarks.Matching;

switch (args.Length > 0 ? args[0] : "")
{
    case "matching-latency":
        return MatchingLatency.Run(args[1..]);
    case "matching-load":
        return ListLoadMeasurement.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
