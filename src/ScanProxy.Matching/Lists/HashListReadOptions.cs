namespace ScanProxy.Matching;

/// <summary>How a hash-list file is read.</summary>
public sealed record HashListReadOptions
{
    /// <summary>The defaults.</summary>
    public static HashListReadOptions Default { get; } = new();

    /// <summary>How many bad lines are kept for the report; all of them are counted.</summary>
    public int MaxReportedErrors { get; init; } = 100;

    /// <summary>The longest line accepted, in bytes; a longer line is a bad line.</summary>
    public int MaxLineLength { get; init; } = 64 * 1024;
}
