namespace ScanProxy.Scanning;

/// <summary>The <see cref="Store.ScanVerdict.Result"/> values the scanner writes.</summary>
internal static class VerdictResults
{
    /// <summary>Decoded, hashed and matched nothing in the verdict's scope.</summary>
    public const string Clean = "clean";

    /// <summary>Matched a list in the verdict's scope; the verdict names the detection.</summary>
    public const string Match = "match";
}
