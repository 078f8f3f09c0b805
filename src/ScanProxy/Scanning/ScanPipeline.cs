using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScanProxy.Pdq;
using ScanProxy.Pdq.Decoding;
using ScanProxy.Store;
using ScanProxy.Telemetry;
using ScanProxy.Zones;

namespace ScanProxy.Scanning;

/// <summary>
/// Judges one object (issue 6, SPEC §4-§6): gets its bytes (the teed body, or a fetch from the origin), undoes the
/// Content-Encoding, takes the SHA-256, and looks the digest up (this node's <see cref="VerdictCache"/>, then the
/// store's shared verdict). An object already judged is matched again from its hashes, or taken from another node's
/// verdict, without being decoded; a new one is sniffed, matched against the zone's exact lists, decoded and PDQ-hashed
/// with its eight variants and matched against the zone's PDQ lists. A match goes to the <see cref="DetectionRecorder"/>.
/// Hostile input ends in an <see cref="ScanResult.Error"/> with its reason, never in an exception.
/// </summary>
internal sealed partial class ScanPipeline
{
    private static readonly ActivitySource s_activitySource = new(ScanProxyMeter.Name);

    private static readonly ScanOutcome s_clean = new(ScanResult.Clean, ScanReasons.Scanned, Blocked: false);
    private static readonly ScanOutcome s_knownClean = new(ScanResult.Clean, ScanReasons.KnownDigest, Blocked: false);
    private static readonly ScanOutcome s_noZone = new(ScanResult.Skipped, ScanReasons.NoZone, Blocked: false);
    private static readonly ScanOutcome s_notImage = new(ScanResult.Skipped, ScanReasons.NotImage, Blocked: false);
    private static readonly ScanOutcome s_tooLarge = new(ScanResult.Skipped, ScanReasons.TooLarge, Blocked: false);
    private static readonly ScanOutcome s_lowQuality = new(ScanResult.Skipped, ScanReasons.LowQuality, Blocked: false);
    private static readonly ScanOutcome s_empty = new(ScanResult.Error, ScanReasons.Empty, Blocked: false);
    private static readonly ScanOutcome s_corruptEncoding = new(ScanResult.Error, ScanReasons.CorruptEncoding, Blocked: false);
    private static readonly ScanOutcome s_unsupportedEncoding = new(ScanResult.Error, ScanReasons.UnsupportedEncoding, Blocked: false);
    private static readonly ScanOutcome s_timeout = new(ScanResult.Error, ScanReasons.Timeout, Blocked: false);
    private static readonly ScanOutcome s_internal = new(ScanResult.Error, ScanReasons.Internal, Blocked: false);

    /// <summary>Not judged because a list of the zone has no version in force; the caller defers the object.</summary>
    public static readonly ScanOutcome ListsNotLoaded = new(ScanResult.Error, ScanReasons.ListsNotLoaded, Blocked: false);

    /// <summary>Not judged because the process is stopping; the caller defers the object.</summary>
    public static readonly ScanOutcome Stopping = new(ScanResult.Error, ScanReasons.Stopping, Blocked: false);

    private readonly ZoneRegistry _zones;
    private readonly ZoneListResolver _lists;
    private readonly VerdictCache _cache;
    private readonly KnownObjectCache _known;
    private readonly OriginFetcher _fetcher;
    private readonly IScanProxyStore _store;
    private readonly DetectionRecorder _recorder;
    private readonly ScanMetrics _metrics;
    private readonly IOptionsMonitor<ScannerOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ScanPipeline> _logger;

    // The objects being judged now for want of anything known about them, by digest: one scan decodes, the
    // others serving the same new bytes meanwhile wait for it and then find it judged.
    private readonly ConcurrentDictionary<ObjectDigest, Task> _judging = new();
    private volatile DecodeLimits? _decodeLimits;

    public ScanPipeline(
        ZoneRegistry zones,
        ZoneListResolver lists,
        VerdictCache cache,
        KnownObjectCache known,
        OriginFetcher fetcher,
        IScanProxyStore store,
        DetectionRecorder recorder,
        ScanMetrics metrics,
        IOptionsMonitor<ScannerOptions> options,
        TimeProvider time,
        ILogger<ScanPipeline> logger)
    {
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(fetcher);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _zones = zones;
        _lists = lists;
        _cache = cache;
        _known = known;
        _fetcher = fetcher;
        _store = store;
        _recorder = recorder;
        _metrics = metrics;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Judges <paramref name="request"/> within Scanner:Timeout. Returns <see cref="ListsNotLoaded"/> or
    /// <see cref="Stopping"/> (not counted as scans) when the object cannot be judged now and should be deferred.
    /// The caller keeps ownership of the request.
    /// </summary>
    public async Task<ScanOutcome> ScanAsync(ScanRequest request, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = _options.CurrentValue;
        using var activity = StartActivity(request);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(options.Timeout);
        ScanOutcome outcome;
        try
        {
            outcome = await RunAsync(request, options, timeout.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return Stopping;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            outcome = s_timeout;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A fault of the scanner (or of a library on hostile input) fails this object, never the worker.
            Log.Failed(_logger, e, request.Zone, request.Url);
            outcome = s_internal;
        }

        if (ReferenceEquals(outcome, ListsNotLoaded))
        {
            return outcome;
        }

        _metrics.Scanned(request.Zone, outcome);
        activity?.SetTag("scanproxy.result", outcome.Result.ToString()).SetTag("scanproxy.reason", outcome.Reason);
        if (outcome.Result == ScanResult.Error)
        {
            Log.NotJudged(_logger, request.Zone, request.Url, outcome.Reason);
        }
        else
        {
            Log.Judged(_logger, request.Zone, request.Url, outcome.Result, outcome.Reason);
        }

        return outcome;
    }

    private async Task<ScanOutcome> RunAsync(ScanRequest request, ScannerOptions options, CancellationToken cancellationToken)
    {
        if (!_zones.Current.Zones.TryGetValue(request.Zone, out var zone) || !zone.Scan)
        {
            return s_noZone;
        }

        if (!_lists.TryResolve(request.Zone, zone, out var lists))
        {
            return ListsNotLoaded;
        }

        PooledBody? fetched = null;
        PooledBody? decoded = null;
        try
        {
            var body = request.Body;
            var encoding = request.ContentEncoding;
            if (body is null)
            {
                var started = Stopwatch.GetTimestamp();
                var fetch = await _fetcher.FetchAsync(request.OriginUrl, options.MaxObjectBytes, cancellationToken);
                Stage(ScanMetrics.FetchStage, started);
                if (fetch.Failure is { } failure)
                {
                    return failure;
                }

                body = fetched = fetch.Body!;
                encoding = fetch.ContentEncoding;
            }

            if (!ContentDecoding.IsIdentity(encoding))
            {
                switch (ContentDecoding.TryDecode(body, encoding, options.MaxObjectBytes, out decoded))
                {
                    case ContentDecodeStatus.TooLarge:
                        return s_tooLarge;
                    case ContentDecodeStatus.Corrupt:
                        return s_corruptEncoding;
                    case ContentDecodeStatus.Unsupported:
                        return s_unsupportedEncoding;
                }

                body = decoded!;
            }

            if (body.Length == 0)
            {
                return s_empty;
            }

            if (body.Length > options.MaxObjectBytes)
            {
                return s_tooLarge;
            }

            var outcome = await JudgeOnceAsync(request, lists, body.Memory, options, cancellationToken);
            if (outcome.Result == ScanResult.Clean && request.ETag is { } etag)
            {
                _known.RememberClean(request.Zone, request.Url, etag, lists.Scope, options.KnownObjectTtl);
            }

            return outcome;
        }
        finally
        {
            fetched?.Dispose();
            decoded?.Dispose();
        }
    }

    private async Task<ScanOutcome> JudgeOnceAsync(ScanRequest request, ZoneLists lists, ReadOnlyMemory<byte> bytes, ScannerOptions options, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var digest = ObjectDigest.Compute(bytes.Span);
        if (_cache.TryGet(digest, out _))
        {
            return await JudgeAsync(request, lists, bytes, digest, started, options, cancellationToken);
        }

        while (true)
        {
            var judged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_judging.TryAdd(digest, judged.Task))
            {
                try
                {
                    return await JudgeAsync(request, lists, bytes, digest, started, options, cancellationToken);
                }
                finally
                {
                    _judging.TryRemove(new KeyValuePair<ObjectDigest, Task>(digest, judged.Task));
                    judged.SetResult();
                }
            }

            if (_judging.TryGetValue(digest, out var running))
            {
                await running.WaitAsync(cancellationToken);
            }
        }
    }

    private async Task<ScanOutcome> JudgeAsync(
        ScanRequest request, ZoneLists lists, ReadOnlyMemory<byte> bytes, ObjectDigest digest, long started, ScannerOptions options, CancellationToken cancellationToken)
    {
        string? hex = null;
        if (!_cache.TryGet(digest, out var scanned) || IsCleanElsewhere(scanned, lists))
        {
            scanned = null;
            hex = digest.ToHex();
            var verdict = await GetVerdictAsync(hex, cancellationToken);
            if (verdict is not null && verdict.Scope == lists.Scope)
            {
                if (verdict.Result == VerdictResults.Clean)
                {
                    _cache.Set(digest, ScannedObject.CleanIn(lists.Scope));
                    Stage(ScanMetrics.DigestStage, started);
                    return s_knownClean;
                }

                if (verdict.Result == VerdictResults.Match && verdict.DetectionId is { } id
                    && await GetDetectionAsync(id, cancellationToken) is { } previous)
                {
                    Stage(ScanMetrics.DigestStage, started);
                    return await _recorder.RecordKnownAsync(request, lists, hex, previous);
                }
            }
        }
        else if (scanned.CleanScope is not null)
        {
            return s_knownClean;
        }

        Stage(ScanMetrics.DigestStage, started);
        if (ImageFormatSniffer.Detect(bytes.Span) == ImageKind.Unknown)
        {
            return s_notImage;
        }

        var decodedNow = false;
        if (lists.HasExact && ListMatcher.TryMatchExact(lists, bytes.Span, digest, out var exact))
        {
            if (scanned is null)
            {
                // Only for the detection's PDQ fields; an undecodable object still matched.
                scanned = Hash(digest, bytes.Span, options);
                decodedNow = true;
            }

            return await _recorder.RecordAsync(request, lists, hex ?? digest.ToHex(), scanned, exact, MatchReason(exact, scanned, decodedNow));
        }

        if (scanned is null)
        {
            scanned = Hash(digest, bytes.Span, options);
            decodedNow = true;
        }

        if (!scanned.IsHashed)
        {
            return new ScanOutcome(ScanResult.Error, scanned.FailureReason ?? ScanReasons.Corrupt, Blocked: false);
        }

        var zone = lists.Zone;
        if (scanned.Quality < zone.MinQuality)
        {
            return s_lowQuality;
        }

        started = Stopwatch.GetTimestamp();
        var match = default(ListMatch);
        var matched = lists.HasPdq && ListMatcher.TryMatchPdq(lists, scanned.Hashes.AsSpan(), zone.MaxDistance, out match);
        Stage(ScanMetrics.MatchStage, started);
        if (matched)
        {
            return await _recorder.RecordAsync(request, lists, hex ?? digest.ToHex(), scanned, match, MatchReason(match, scanned, decodedNow));
        }

        if (!scanned.IsVerdictWritten(lists.Scope, VerdictResults.Clean))
        {
            await _store.SetVerdictAsync(hex ?? digest.ToHex(), new ScanVerdict(VerdictResults.Clean, _time.GetUtcNow(), null, lists.Scope), CancellationToken.None);
            scanned.VerdictWritten(lists.Scope, VerdictResults.Clean);
        }

        return decodedNow ? s_clean : s_knownClean;
    }

    // Known only as clean from another node's verdict, in a scope other than this zone's: it must be decoded here.
    private static bool IsCleanElsewhere(ScannedObject scanned, ZoneLists lists) =>
        scanned.CleanScope is { } scope && scope != lists.Scope;

    // A match is "known-digest" when this node had matched the same bytes before without decoding them again;
    // an object first judged clean that matches a list changed since is a new match of that list's kind.
    private static string MatchReason(ListMatch match, ScannedObject scanned, bool decodedNow) =>
        decodedNow || !scanned.HasMatched ? DetectionRecorder.ReasonFor(match.Kind) : ScanReasons.KnownDigest;

    private ScannedObject Hash(in ObjectDigest digest, ReadOnlySpan<byte> bytes, ScannerOptions options)
    {
        var started = Stopwatch.GetTimestamp();
        ScannedObject scanned;
        try
        {
            // PdqHasher.HashImage in two steps, so that decoding and hashing are timed apart.
            using var image = ImageDecoder.Decode(bytes, DecodeOptions(options));
            Stage(ScanMetrics.DecodeStage, started);
            started = Stopwatch.GetTimestamp();
            scanned = ScannedObject.Hashed(PdqHasher.HashDecoded(image, dihedral: true));
            Stage(ScanMetrics.HashStage, started);
        }
        catch (ImageDecodeException e)
        {
            scanned = ScannedObject.Undecodable(ScanReasons.For(e.Reason));
            Stage(ScanMetrics.DecodeStage, started);
        }

        _cache.Set(digest, scanned);
        return scanned;
    }

    private ImageDecodeOptions DecodeOptions(ScannerOptions options)
    {
        var limits = _decodeLimits;
        if (limits is null || !ReferenceEquals(limits.Source, options))
        {
            limits = new DecodeLimits(options, new ImageDecodeOptions { MaxPixels = options.MaxPixels, MaxEncodedBytes = options.MaxObjectBytes });
            _decodeLimits = limits;
        }

        return limits.Decode;
    }

    private async Task<ScanVerdict?> GetVerdictAsync(string sha256, CancellationToken cancellationToken)
    {
        try
        {
            return await _store.GetVerdictAsync(sha256, cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            // Without the shared verdict the object is judged here; nothing is lost but the work.
            return null;
        }
    }

    private async Task<DetectionRecord?> GetDetectionAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            return await _store.GetDetectionAsync(id, cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            return null;
        }
    }

    // The stage's span is made when the stage ends, backdated to its start: no span object lives across the stage,
    // and none is made at all while nothing listens.
    private void Stage(string stage, long startTimestamp)
    {
        var elapsed = Stopwatch.GetElapsedTime(startTimestamp);
        _metrics.Stage(stage, elapsed);
        if (s_activitySource.HasListeners())
        {
            s_activitySource.StartActivity(stage, ActivityKind.Internal, parentContext: default, startTime: DateTimeOffset.UtcNow - elapsed)?.Dispose();
        }
    }

    private static Activity? StartActivity(ScanRequest request)
    {
        if (!s_activitySource.HasListeners())
        {
            return null;
        }

        ActivityLink[]? links = request.RequestActivity == default ? null : [new ActivityLink(request.RequestActivity)];
        var activity = s_activitySource.StartActivity("scan", ActivityKind.Internal, parentContext: default, links: links);
        activity?.SetTag("scanproxy.zone", request.Zone).SetTag("url.full", request.Url);
        return activity;
    }

    private sealed record DecodeLimits(ScannerOptions Source, ImageDecodeOptions Decode);

    private static partial class Log
    {
        [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Zone {Zone}: {Url} could not be judged: {Reason}.")]
        public static partial void NotJudged(ILogger logger, string zone, string url, string reason);

        [LoggerMessage(EventId = 7004, Level = LogLevel.Debug, Message = "Zone {Zone}: {Url} scanned: {Result} ({Reason}).")]
        public static partial void Judged(ILogger logger, string zone, string url, ScanResult result, string reason);

        [LoggerMessage(EventId = 7005, Level = LogLevel.Error, Message = "Zone {Zone}: scanning {Url} failed.")]
        public static partial void Failed(ILogger logger, Exception exception, string zone, string url);
    }
}
