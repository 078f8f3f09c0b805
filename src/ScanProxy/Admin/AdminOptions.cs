namespace ScanProxy.Admin;

/// <summary>The admin listener and who may use its API (section <c>ScanProxy:Admin</c>).</summary>
internal sealed record AdminOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ScanProxy:Admin";

    /// <summary>Where the admin listener binds: API, /metrics, /healthz, /readyz. Keep it off the public network.</summary>
    public string Url { get; init; } = Hosting.AdminListener.DefaultUrl;

    /// <summary>Bearer keys accepted under /api. An empty list refuses every API call.</summary>
    public IReadOnlyList<string> ApiKeys { get; init; } = [];
}
