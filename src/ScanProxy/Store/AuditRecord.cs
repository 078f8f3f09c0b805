namespace ScanProxy.Store;

/// <summary>One change made through the admin API.</summary>
/// <param name="At">When.</param>
/// <param name="Actor">Who: the API key's fingerprint, never the key.</param>
/// <param name="Action">What, for example "block" or "unblock".</param>
/// <param name="Zone">The zone, if any.</param>
/// <param name="Target">What it was done to, for example the canonical URL.</param>
/// <param name="Detail">Free text, for example the reason given.</param>
internal sealed record AuditRecord(DateTimeOffset At, string Actor, string Action, string? Zone, string? Target, string? Detail);
