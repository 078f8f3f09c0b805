namespace ScanProxy.Store;

/// <summary>What the scanner decided about one object (by SHA-256).</summary>
/// <param name="Result">clean, match or error.</param>
/// <param name="JudgedAt">When.</param>
/// <param name="DetectionId">The detection, when the result is a match.</param>
internal sealed record ScanVerdict(string Result, DateTimeOffset JudgedAt, string? DetectionId = null);
