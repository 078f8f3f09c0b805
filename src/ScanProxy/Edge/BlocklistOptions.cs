namespace ScanProxy.Edge;

/// <summary>How this node keeps its copy of the blocklists current: <c>ScanProxy:Blocklist</c>.</summary>
internal sealed record BlocklistOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ScanProxy:Blocklist";

    /// <summary>
    /// How often every zone's blocklist version is checked, and the zones whose version moved are reloaded from the
    /// store, healing any change message missed.
    /// </summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long start-up waits for the first load before serving without it (and retrying every second).</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
