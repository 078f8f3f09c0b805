using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using ScanProxy.Edge;
using ScanProxy.Scanning.Tee;
using ScanProxy.Zones;

namespace ScanProxy.Scanning.Hold;

/// <summary>
/// Hold mode (SPEC §4): buffers an image response, status and headers included, asks the scanner for a verdict
/// now, and then sends it unchanged when clean or answers with the zone's block status when it matched. What
/// cannot be judged follows the zone's <see cref="HoldFailure"/>. Responses that are not images pass at once.
/// </summary>
/// <remarks>
/// Counts every request it handles in <c>scanproxy.requests</c> once its answer is known (blocking leaves them to it):
/// blocked, unavailable, or forwarded for everything the origin's answer went out for (including a client that left
/// and an origin that failed).
/// </remarks>
internal sealed partial class ResponseHold
{
    // The scanner bounds a scan by Scanner:Timeout itself; this only keeps a stuck scanner from holding requests forever.
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(1);
    private static readonly ScanOutcome s_tooLarge = new(ScanResult.Skipped, ScanReasons.TooLarge, Blocked: false);

    private readonly IScanService _scanner;
    private readonly TimeProvider _time;
    private readonly ScanMetrics _metrics;
    private readonly ILogger _logger;

    public ResponseHold(IScanService scanner, TimeProvider time, ScanMetrics metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(scanner);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        _scanner = scanner;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    private enum Verdict
    {
        Release,
        Block,
        Unavailable,
        Abandon,
    }

    /// <summary>Runs the rest of the pipeline with the response held, then deals with what was held.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next, string zoneName, ZoneOptions zone, ScannerOptions options)
    {
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        using var held = new HeldResponseBody(context, original, options.MaxObjectBytes, zone.HoldFailure);
        context.Features.Set<IHttpResponseBodyFeature>(held);
        try
        {
            await next(context);
            await held.CompleteWriterAsync();
        }
        finally
        {
            context.Features.Set(original);
        }

        var result = held.Finish();
        if (held.TooLarge)
        {
            Log.TooLarge(_logger, zoneName, context.Request.Path, zone.HoldFailure);
            _metrics.Scanned(zoneName, s_tooLarge);
        }

        var verdict = result switch
        {
            HoldResult.Release => Verdict.Release,
            HoldResult.Judge => await JudgeAsync(context, zoneName, zone, held, options),
            HoldResult.Refused => Verdict.Unavailable,
            _ => Verdict.Abandon,
        };

        switch (verdict)
        {
            case Verdict.Release:
                _metrics.Requests.Forwarded(zoneName);
                await held.ReleaseAsync();
                break;
            case Verdict.Block:
                _metrics.Requests.Blocked(zoneName);
                context.Response.Clear();
                await BlockingMiddleware.WriteBlockedAsync(context, zone.BlockStatusCode);
                break;
            case Verdict.Unavailable:
                _metrics.Requests.Unavailable(zoneName);
                await UnavailableResponse.WriteAsync(context);
                break;
            default:
                _metrics.Requests.Forwarded(zoneName);
                break;
        }
    }

    private async Task<Verdict> JudgeAsync(HttpContext context, string zoneName, ZoneOptions zone, HeldResponseBody held, ScannerOptions options)
    {
        var request = ScanRequests.Create(context, zoneName, zone, held.CopyForScanner(), _time.GetUtcNow());
        if (request is null)
        {
            return Verdict.Release;
        }

        var url = request.Url;
        var aborted = context.RequestAborted;
        ScanOutcome outcome;
        try
        {
            outcome = await _scanner.ScanNowAsync(request, aborted).WaitAsync(options.Timeout + s_grace, _time, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return Verdict.Abandon;
        }
        catch (TimeoutException)
        {
            return CannotJudge(zoneName, zone, url, "timeout");
        }
#pragma warning disable CA1031 // Whatever broke in the scanner, the held response gets the zone's HoldFailure answer, never an error page.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.ScannerFailed(_logger, e, zoneName, url);
            return CannotJudge(zoneName, zone, url, "scanner-failure");
        }

        if (outcome.Blocked)
        {
            Log.Blocked(_logger, zoneName, url, outcome.Reason);
            return Verdict.Block;
        }

        return outcome.Result == ScanResult.Error ? CannotJudge(zoneName, zone, url, outcome.Reason) : Verdict.Release;
    }

    private Verdict CannotJudge(string zoneName, ZoneOptions zone, string url, string reason)
    {
        Log.CannotJudge(_logger, zoneName, url, reason, zone.HoldFailure);
        return zone.HoldFailure == HoldFailure.FailOpen ? Verdict.Release : Verdict.Unavailable;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Zone {Zone}: held image {Url} matched ({Reason}); answered with the block status.")]
        public static partial void Blocked(ILogger logger, string zone, string url, string reason);

        [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Zone {Zone}: held image {Url} could not be judged ({Reason}); HoldFailure is {HoldFailure}.")]
        public static partial void CannotJudge(ILogger logger, string zone, string url, string reason, HoldFailure holdFailure);

        [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Zone {Zone}: the scanner failed on held image {Url}.")]
        public static partial void ScannerFailed(ILogger logger, Exception exception, string zone, string url);

        [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Zone {Zone}: image at {Path} is over Scanner:MaxObjectBytes and is not scanned; HoldFailure is {HoldFailure}.")]
        public static partial void TooLarge(ILogger logger, string zone, PathString path, HoldFailure holdFailure);
    }
}
