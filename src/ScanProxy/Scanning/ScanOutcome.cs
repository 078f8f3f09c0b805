namespace ScanProxy.Scanning;

/// <summary>What the scanner decided about one object.</summary>
/// <param name="Result">How the scan ended.</param>
/// <param name="Reason">Why (the <c>reason</c> metric tag), e.g. "known-digest", "pdq", "md5", "truncated", "timeout".</param>
/// <param name="Blocked">True when the URL is now blocked (a match in a zone whose action is Block).</param>
/// <param name="DetectionId">The detection made, if any.</param>
internal sealed record ScanOutcome(ScanResult Result, string Reason, bool Blocked, string? DetectionId = null);
