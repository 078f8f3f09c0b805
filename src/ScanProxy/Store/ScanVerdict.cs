namespace ScanProxy.Store;

/// <summary>What the scanner decided about one object (by SHA-256).</summary>
/// <param name="Result">clean, match or error.</param>
/// <param name="JudgedAt">When.</param>
/// <param name="DetectionId">The detection, when the result is a match.</param>
/// <param name="Scope">What the verdict was judged against (the zone's lists and their versions, its thresholds);
/// a node trusts it only for a zone whose scope is the same. Null: unknown, trusted by nobody.</param>
internal sealed record ScanVerdict(string Result, DateTimeOffset JudgedAt, string? DetectionId = null, string? Scope = null);
