using ScanProxy.Scanning;

namespace ScanProxy.Tests.Tee;

/// <summary>A <see cref="ScanRequest"/> as the scanner received it.</summary>
internal sealed record RecordedScan(string Zone, string Url, Uri OriginUrl, byte[]? Body, string? ContentEncoding, DateTimeOffset FirstServedAt, string? ETag)
{
    public static RecordedScan Of(ScanRequest request) =>
        new(request.Zone, request.Url, request.OriginUrl, request.Body?.Span.ToArray(), request.ContentEncoding, request.FirstServedAt, request.ETag);
}
