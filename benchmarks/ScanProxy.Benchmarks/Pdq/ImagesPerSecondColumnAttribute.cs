using BenchmarkDotNet.Attributes;

namespace ScanProxy.Benchmarks.Pdq;

/// <summary>Adds <see cref="ImagesPerSecondColumn"/> to a benchmark class's summary.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ImagesPerSecondColumnAttribute : ColumnConfigBaseAttribute
{
    public ImagesPerSecondColumnAttribute()
        : base(new ImagesPerSecondColumn())
    {
    }
}
