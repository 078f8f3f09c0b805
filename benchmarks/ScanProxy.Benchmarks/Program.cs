using BenchmarkDotNet.Running;
using ScanProxy.Benchmarks.Matching;

switch (args.Length > 0 ? args[0] : "")
{
    case "matching-latency":
        return MatchingLatency.Run(args[1..]);
    case "matching-load":
        return ListLoadMeasurement.Run(args[1..]);
    case "scanning":
        return ScanProxy.Benchmarks.Scanning.ScanningTool.Run(args[1..]);
    case "matching-ab":
        return LayoutAb.Run(args[1..]);
    case "matching-layouts":
        return LayoutComparison.Run(args[1..]);
}

// Not typeof(Program): scanproxy's own Program is visible here too (InternalsVisibleTo).
BenchmarkSwitcher.FromAssembly(System.Reflection.Assembly.GetExecutingAssembly()).Run(args);
return 0;
