namespace ScanProxy.Matching;

/// <summary>One bad line of a hash-list file.</summary>
/// <param name="Line">The 1-based line number.</param>
/// <param name="Message">What is wrong with the line.</param>
public sealed record HashListError(long Line, string Message)
{
    /// <summary>"line N: message".</summary>
    public override string ToString() => $"line {Line}: {Message}";
}
