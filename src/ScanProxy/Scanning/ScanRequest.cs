using System.Diagnostics;

namespace ScanProxy.Scanning;

/// <summary>
/// One object for the scanner: the bytes the tee copied, or none (a 206, a HEAD, an aborted or over-size download),
/// in which case the scanner fetches the whole object from <see cref="OriginUrl"/> itself.
/// Owns <see cref="Body"/>: disposing the request returns the buffer to the pool.
/// </summary>
internal sealed class ScanRequest : IDisposable
{
    /// <summary>The zone's name.</summary>
    public required string Zone { get; init; }

    /// <summary>The canonical URL the object was served under (the blocklist key).</summary>
    public required string Url { get; init; }

    /// <summary>The object at the origin that served it, to fetch when there is no body.</summary>
    public required Uri OriginUrl { get; init; }

    /// <summary>When the proxy first served the object.</summary>
    public required DateTimeOffset FirstServedAt { get; init; }

    /// <summary>The complete body as the origin sent it (still Content-Encoded), or null to fetch it.</summary>
    public PooledBody? Body { get; init; }

    /// <summary>The response's Content-Encoding (gzip, br, deflate), or null.</summary>
    public string? ContentEncoding { get; init; }

    /// <summary>The response's strong ETag when <see cref="Body"/> is what it named, or null: a clean verdict is then remembered for the URL (<see cref="KnownObjectCache"/>).</summary>
    public string? ETag { get; init; }

    /// <summary>The request that teed the object, to link the scan's trace to it.</summary>
    public ActivityContext RequestActivity { get; init; }

    /// <inheritdoc />
    public void Dispose() => Body?.Dispose();
}
