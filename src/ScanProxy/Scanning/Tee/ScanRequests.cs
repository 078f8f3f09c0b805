using System.Buffers;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using ScanProxy.Edge;
using ScanProxy.Zones;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ScanProxy.Scanning.Tee;

/// <summary>Builds the scanner's <see cref="ScanRequest"/> for the object behind a proxied response.</summary>
internal static class ScanRequests
{
    /// <summary>
    /// The request for the object this response served, with <paramref name="body"/> (owned by the result) or none
    /// for the scanner to fetch; null, with <paramref name="body"/> disposed, when no origin was contacted.
    /// </summary>
    public static ScanRequest? Create(HttpContext context, string zoneName, ZoneOptions zone, PooledBody? body, DateTimeOffset firstServedAt)
    {
        if (context.GetReverseProxyFeature().ProxiedDestination is not { } destination)
        {
            body?.Dispose();
            return null;
        }

        var request = context.Request;
        var encoding = context.Response.Headers.ContentEncoding;
        string? etag = context.Response.Headers.ETag;
        return new ScanRequest
        {
            Zone = zoneName,
            Url = CanonicalUrl(request, zone.IgnoreQueryString),

            // The address the forwarder sent the request to: the zone's routes carry no transforms.
            OriginUrl = RequestUtilities.MakeDestinationAddress(destination.Model.Config.Address, request.Path, request.QueryString),
            FirstServedAt = firstServedAt,
            Body = body,
            ContentEncoding = body is not null && encoding.Count > 0 ? encoding.ToString() : null,
            ETag = body is not null && KnownObjectCache.IsStrong(etag) ? etag : null,
            RequestActivity = Activity.Current?.Context ?? default,
        };
    }

    private static string CanonicalUrl(HttpRequest request, bool ignoreQueryString)
    {
        var buffer = ArrayPool<char>.Shared.Rent(BlockingMiddleware.GetCanonicalUrlMaxLength(request));
        try
        {
            return new string(buffer, 0, BlockingMiddleware.FormatCanonicalUrl(request, ignoreQueryString, buffer));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
