namespace ScanProxy.Scanning;

/// <summary>What fetching an object from its origin gave: the body (the caller owns it) or why there is none.</summary>
/// <param name="Body">The complete body as the origin sent it, or null.</param>
/// <param name="ContentEncoding">The response's Content-Encoding, or null.</param>
/// <param name="Failure">The scan's outcome when there is no body: too large, unreachable, an error status.</param>
internal readonly record struct OriginFetch(PooledBody? Body, string? ContentEncoding, ScanOutcome? Failure);
