using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScanProxy.Edge;
using ScanProxy.Scanning.Hold;
using ScanProxy.Zones;
using Yarp.ReverseProxy.Model;

namespace ScanProxy.Scanning.Tee;

/// <summary>
/// The scanner's step in the proxy pipeline, after blocking (SPEC §4). In a zone with <c>Scan</c>, Async mode tees
/// each response into <see cref="ScanTeeBody"/> and hands what it got to the scan queue without waiting; what
/// blocking marked with <see cref="HoldRequestFeature"/> (Hold mode, and any request for a path blocked under
/// another query) goes through <see cref="ResponseHold"/>.
/// </summary>
/// <remarks>
/// The scanner's own fetches carry <see cref="OriginFetcher.FetchHeader"/>, but go to origins directly, never through
/// an edge; a client could send the header too, so it is not trusted here: it must not let anyone past Hold mode.
/// </remarks>
internal sealed partial class ScanTeeMiddleware
{
    private static readonly ScanOutcome s_tooLarge = new(ScanResult.Skipped, ScanReasons.TooLarge, Blocked: false);

    private readonly RequestDelegate _next;
    private readonly ZoneRegistry _zones;
    private readonly IScanService _scanner;
    private readonly IOptionsMonitor<ScannerOptions> _options;
    private readonly TimeProvider _time;
    private readonly ScanMetrics _metrics;
    private readonly ResponseHold _hold;
    private readonly ZoneListResolver _lists;
    private readonly KnownObjectCache _known;
    private readonly ILogger<ScanTeeMiddleware> _logger;

    public ScanTeeMiddleware(
        RequestDelegate next,
        ZoneRegistry zones,
        IScanService scanner,
        IOptionsMonitor<ScannerOptions> options,
        TimeProvider time,
        ScanMetrics metrics,
        ZoneListResolver lists,
        KnownObjectCache known,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(scanner);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _next = next;
        _zones = zones;
        _scanner = scanner;
        _options = options;
        _time = time;
        _metrics = metrics;
        _lists = lists;
        _known = known;
        _hold = new ResponseHold(scanner, time, metrics, loggerFactory.CreateLogger<ResponseHold>());
        _logger = loggerFactory.CreateLogger<ScanTeeMiddleware>();
    }

    public Task InvokeAsync(HttpContext context)
    {
        var zoneName = context.GetReverseProxyFeature().Route.Config.RouteId;
        // A zone removed by a reload since blocking looked was answered there; a zone without Scan has no scanner
        // to judge anything, the held queries of a blocked path included.
        if (!_zones.Current.Zones.TryGetValue(zoneName, out var zone) || !zone.Scan)
        {
            return _next(context);
        }

        return context.Features.Get<HoldRequestFeature>() is not null
            ? _hold.InvokeAsync(context, _next, zoneName, zone, _options.CurrentValue)
            : TeeAsync(context, zoneName, zone);
    }

    private async Task TeeAsync(HttpContext context, string zoneName, ZoneOptions zone)
    {
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        var options = _options.CurrentValue;
        var known = options.KnownObjectTtl > TimeSpan.Zero ? new KnownObjectProbe(_known, _lists, zoneName, zone) : default;
        using var tee = new ScanTeeBody(context, original, options.MaxObjectBytes, _time, known);
        context.Features.Set<IHttpResponseBodyFeature>(tee);
        try
        {
            await _next(context);
            await tee.CompleteWriterAsync();
        }
        finally
        {
            context.Features.Set(original);
        }

        Submit(context, zoneName, zone, tee);
    }

    // Hands the object to the queue and returns: Async mode never waits for the scanner.
    private void Submit(HttpContext context, string zoneName, ZoneOptions zone, ScanTeeBody tee)
    {
        var result = tee.Finish(out var body);
        switch (result)
        {
            case TeeResult.NotAnImage:
                return;
            case TeeResult.TooLarge:
                Log.TooLarge(_logger, zoneName, context.Request.Path);
                _metrics.Scanned(zoneName, s_tooLarge);
                return;
        }

        if (ScanRequests.Create(context, zoneName, zone, body, tee.FirstServedAt) is not { } request)
        {
            return;
        }

        try
        {
            if (_scanner.Submit(request) == ScanAdmission.Deferred)
            {
                Log.Deferred(_logger, zoneName, request.Url);
            }
        }
#pragma warning disable CA1031 // The response has been served; a scanner fault must not turn into a failed request.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.SubmitFailed(_logger, e, zoneName, request.Url);
            request.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Zone {Zone}: image at {Path} is over Scanner:MaxObjectBytes and is not scanned.")]
        public static partial void TooLarge(ILogger logger, string zone, PathString path);

        [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Zone {Zone}: the scan queue is full; {Url} is remembered for a later scan.")]
        public static partial void Deferred(ILogger logger, string zone, string url);

        [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Zone {Zone}: the scanner did not take {Url}.")]
        public static partial void SubmitFailed(ILogger logger, Exception exception, string zone, string url);
    }
}
