namespace ScanProxy.Admin;

/// <summary>The body of <c>POST /api/v1/blocks</c>.</summary>
/// <param name="Zone">The zone's name.</param>
/// <param name="Url">The absolute URL to block, in any spelling; it is stored canonical.</param>
/// <param name="Reason">Why, for the audit log.</param>
internal sealed record BlockRequest(string? Zone, string? Url, string? Reason);
