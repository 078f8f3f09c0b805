namespace ScanProxy.Matching;

/// <summary>How a <see cref="PdqIndex"/> search finds its candidates.</summary>
internal enum SearchMode
{
    /// <summary>Probe the substring tables unless a scan is estimated to be cheaper.</summary>
    Auto,

    /// <summary>Always probe the substring tables.</summary>
    Probe,

    /// <summary>Always compare the query with every entry.</summary>
    Scan,
}
