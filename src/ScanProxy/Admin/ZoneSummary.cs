namespace ScanProxy.Admin;

/// <summary>A zone as <c>GET /api/v1/zones</c> shows it. Webhook secrets are never shown.</summary>
internal sealed record ZoneSummary(
    string Name,
    IReadOnlyList<string> Hosts,
    IReadOnlyList<string> Origins,
    bool Scan,
    string Mode,
    IReadOnlyList<string> HashLists,
    int MaxDistance,
    int MinQuality,
    string Action,
    int BlockStatusCode,
    bool IgnoreQueryString,
    IReadOnlyList<string> NotifyEmails,
    IReadOnlyList<string> NotifyWebhooks,
    int BlockedUrls);
