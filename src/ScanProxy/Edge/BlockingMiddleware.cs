using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using ScanProxy.Scanning;
using ScanProxy.Telemetry;
using ScanProxy.Zones;
using Yarp.ReverseProxy.Model;

namespace ScanProxy.Edge;

/// <summary>
/// The first step of the proxy pipeline (SPEC §4): looks the request's canonical URL up in its zone's blocklist,
/// in memory, and answers a blocked URL itself, for every method, with the zone's block status, <c>no-store</c> and
/// a short page; the origin is never contacted. The zone is the route YARP matched, named after the zone.
/// </summary>
/// <remarks>
/// Every edge request that reaches a zone's route is counted here (<c>scanproxy.requests</c>), except those marked
/// with <see cref="HoldRequestFeature"/> (a zone with Scan in Hold mode, or a path blocked under another query):
/// <see cref="Scanning.Hold.ResponseHold"/> answers and counts them once it knows what it sent. The decision is made
/// once, here; only a zone reload between this step and the scanner's can leave such a request uncounted.
/// </remarks>
internal sealed partial class BlockingMiddleware
{
    private const int StackUrlLength = 1024;

    private static readonly byte[] s_body = Encoding.UTF8.GetBytes(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Unavailable for legal reasons</title></head>"
        + "<body><h1>Unavailable for legal reasons</h1><p>This content is unavailable for legal reasons.</p></body></html>\n");

    private readonly RequestDelegate _next;
    private readonly ZoneRegistry _zones;
    private readonly BlocklistCache _blocklist;
    private readonly EdgeRequestMetrics _requests;
    private readonly ILogger<BlockingMiddleware> _logger;

    public BlockingMiddleware(RequestDelegate next, ZoneRegistry zones, BlocklistCache blocklist, ScanMetrics metrics, ILogger<BlockingMiddleware> logger)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(blocklist);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        _next = next;
        _zones = zones;
        _blocklist = blocklist;
        _requests = metrics.Requests;
        _logger = logger;
    }

    private enum Lookup
    {
        Forward,
        Hold,
        Block,
    }

    public Task InvokeAsync(HttpContext context)
    {
        var zoneName = context.GetReverseProxyFeature().Route.Config.RouteId;
        if (!_zones.Current.Zones.TryGetValue(zoneName, out var zone))
        {
            // The zone was removed by a reload after this request was routed.
            _requests.NoZone();
            return NoZoneMiddleware.WriteAsync(context);
        }

        switch (LookUp(context.Request, zoneName, zone))
        {
            case Lookup.Forward:
                _requests.Forwarded(zoneName);
                return _next(context);
            case Lookup.Hold:
                context.Features.Set(HoldRequestFeature.Instance);
                return _next(context);
        }

        _requests.Blocked(zoneName);
        var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        Log.Blocked(_logger, zoneName, context.Request.Method, target);
        return WriteBlockedAsync(context, zone.BlockStatusCode);
    }

    /// <summary>
    /// Answers with <paramref name="statusCode"/>, <c>no-store</c> and the short page a blocked URL gets. The scanner's
    /// Hold mode answers a held image that matched with it too. The response must not have started.
    /// </summary>
    internal static Task WriteBlockedAsync(HttpContext context, int statusCode)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.Headers.CacheControl = "no-store";
        response.ContentType = "text/html; charset=utf-8";
        response.ContentLength = s_body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(s_body).AsTask();
    }

    /// <summary>The most characters <see cref="FormatCanonicalUrl"/> can write for this request.</summary>
    internal static int GetCanonicalUrlMaxLength(HttpRequest request)
    {
        var target = GetTarget(request);
        return UrlCanonicalizer.GetMaxLength(request.Scheme, Zones.HostName.WithoutPort(request.Host.Value), target);
    }

    /// <summary>
    /// Writes the request's canonical URL (SPEC §4) as blocking looks it up, with the query string unless
    /// <paramref name="ignoreQueryString"/>, into <paramref name="destination"/>, which holds at least
    /// <see cref="GetCanonicalUrlMaxLength"/> characters.
    /// </summary>
    /// <returns>The characters written.</returns>
    internal static int FormatCanonicalUrl(HttpRequest request, bool ignoreQueryString, Span<char> destination)
    {
        // Without the port: the zone, and so the origin, is chosen by host name alone.
        var host = Zones.HostName.WithoutPort(request.Host.Value);
        UrlCanonicalizer.TryFormat(request.Scheme, host, GetTarget(request), ignoreQueryString, destination, out var written);
        return written;
    }

    private static string GetTarget(HttpRequest request)
    {
        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()!.RawTarget;

        // Absolute-form ("GET http://host/path"): take the path and query Kestrel parsed out of it.
        return target.Length == 0 || target[0] != '/'
            ? request.Path.ToUriComponent() + request.QueryString.ToUriComponent()
            : target;
    }

    // The URL buffer is written before it is read: not zeroing it saves a quarter of the step's time.
    [SkipLocalsInit]
    private Lookup LookUp(HttpRequest request, string zoneName, ZoneOptions zone)
    {
        var maxLength = GetCanonicalUrlMaxLength(request);
        char[]? rented = null;
        var buffer = maxLength <= StackUrlLength ? stackalloc char[StackUrlLength] : (rented = ArrayPool<char>.Shared.Rent(maxLength));
        try
        {
            var url = buffer[..FormatCanonicalUrl(request, zone.IgnoreQueryString, buffer)];
            var blocked = zone.IgnoreQueryString
                ? _blocklist.IsPathBlockedUnderAnotherQuery(zoneName, url)
                : _blocklist.IsBlocked(zoneName, url);
            if (blocked)
            {
                return Lookup.Block;
            }

            if (!zone.Scan)
            {
                return Lookup.Forward;
            }

            // Hold mode, or a path blocked under another query: the scanner's step holds what HoldRequestFeature marks.
            // The path lookup ignores the URL's query, so the URL above serves it as it is.
            return zone.Mode == ZoneMode.Hold
                || (!zone.IgnoreQueryString && _blocklist.Count(zoneName) > 0
                    && _blocklist.IsPathBlockedUnderAnotherQuery(zoneName, url))
                ? Lookup.Hold
                : Lookup.Forward;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Zone {Zone}: {Method} {Target} is blocked.")]
        public static partial void Blocked(ILogger logger, string zone, string method, string target);
    }
}
