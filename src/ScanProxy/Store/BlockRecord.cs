namespace ScanProxy.Store;

/// <summary>One blocked URL of a zone.</summary>
/// <param name="Zone">The zone's name.</param>
/// <param name="Url">The canonical URL (SPEC §4).</param>
/// <param name="Reason">Why: "detection:{id}" for a scanner block, or the operator's text.</param>
/// <param name="BlockedAt">When the block was made.</param>
/// <param name="Sha256">The object's SHA-256 when the scanner made the block, else null.</param>
internal sealed record BlockRecord(string Zone, string Url, string Reason, DateTimeOffset BlockedAt, string? Sha256 = null);
