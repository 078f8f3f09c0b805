using BenchmarkDotNet.Running;

// Not typeof(Program): scanproxy's own Program is visible here too (InternalsVisibleTo).
BenchmarkSwitcher.FromAssembly(System.Reflection.Assembly.GetExecutingAssembly()).Run(args);
