using Microsoft.Extensions.Logging;
using ScanProxy.Matching;
using ScanProxy.Notifications;
using ScanProxy.Store;
using ScanProxy.Zones;

namespace ScanProxy.Scanning;

/// <summary>
/// Acts on a match (SPEC §6): unless an operator allowed the digest in the zone, records the detection, blocks the URL
/// when the zone's action is Block, writes the verdict so other nodes do not scan the object again, and queues the
/// notifications. The writes are not cancelled by the scan's timeout: once a match is found it is recorded whole.
/// </summary>
internal sealed partial class DetectionRecorder
{
    // The SPEC §5 order of the dihedral variants.
    private static readonly string[] s_variantNames = ["original", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1"];

    private static readonly ScanOutcome s_allowed = new(ScanResult.Clean, ScanReasons.Allowed, Blocked: false);

    private readonly IScanProxyStore _store;
    private readonly DetectionNotifier _notifier;
    private readonly ScanMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<DetectionRecorder> _logger;

    public DetectionRecorder(IScanProxyStore store, DetectionNotifier notifier, ScanMetrics metrics, TimeProvider time, ILogger<DetectionRecorder> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(notifier);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _notifier = notifier;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>Acts on a match found by this node, from hashes it computed now or earlier.</summary>
    public async Task<ScanOutcome> RecordAsync(ScanRequest request, ZoneLists lists, string sha256, ScannedObject scanned, ListMatch match, string reason)
    {
        ArgumentNullException.ThrowIfNull(scanned);
        if (await IsAllowedAsync(request.Zone, sha256))
        {
            return s_allowed;
        }

        var id = NewId();
        if (!scanned.TryClaimDetection(request.Zone, request.Url, id, out var existing))
        {
            // Served again before the block reached the edge, or in a zone that only logs: one detection per URL.
            return Repeat(lists.Zone, existing, reason);
        }

                var detection = new DetectionRecord
        {
            Id = id,
            Zone = request.Zone,
            Url = request.Url,
            FirstServedAt = request.FirstServedAt,
            DetectedAt = _time.GetUtcNow(),
            Sha256 = sha256,
            Pdq = scanned.IsHashed ? scanned.Hashes[0].ToString() : null,
            Quality = scanned.IsHashed ? scanned.Quality : null,
            List = match.List,
            EntryId = match.EntryId,
            Distance = match.Distance,
            Variant = match.Variant is { } variant ? s_variantNames[(int)variant] : null,
            Action = lists.Zone.Action.ToString(),
        };
        var outcome = await ActAsync(request, lists, detection, reason);
        scanned.VerdictWritten(lists.Scope, VerdictResults.Match);
        return outcome;
    }

    /// <summary>
    /// Acts on an object that another node's detection (found through the shared verdict) already matched: a known-bad
    /// digest at a new URL is blocked at once, without decoding it.
    /// </summary>
    public async Task<ScanOutcome> RecordKnownAsync(ScanRequest request, ZoneLists lists, string sha256, DetectionRecord previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        if (await IsAllowedAsync(request.Zone, sha256))
        {
            return s_allowed;
        }

        if (previous.Zone == request.Zone && previous.Url == request.Url)
        {
            return Repeat(lists.Zone, previous.Id, ScanReasons.KnownDigest);
        }

        var detection = previous with
        {
            Id = NewId(),
            Zone = request.Zone,
            Url = request.Url,
            FirstServedAt = request.FirstServedAt,
            DetectedAt = _time.GetUtcNow(),
            Action = lists.Zone.Action.ToString(),
        };
        return await ActAsync(request, lists, detection, ScanReasons.KnownDigest);
    }

    /// <summary>The reason tag of a match in a list of this kind.</summary>
    public static string ReasonFor(HashListKind kind) => kind switch
    {
        HashListKind.Pdq => ScanReasons.Pdq,
        HashListKind.Md5 => ScanReasons.Md5,
        HashListKind.Sha1 => ScanReasons.Sha1,
        _ => ScanReasons.Sha256,
    };

    private async Task<ScanOutcome> ActAsync(ScanRequest request, ZoneLists lists, DetectionRecord detection, string reason)
    {
        var zone = lists.Zone;
        await _store.AddDetectionAsync(detection, CancellationToken.None);
        var blocked = zone.Action == ZoneAction.Block;
        if (blocked)
        {
            await _store.BlockAsync(new BlockRecord(request.Zone, request.Url, $"detection:{detection.Id}", detection.DetectedAt, detection.Sha256), CancellationToken.None);
            _metrics.Blocked(request.Zone, _time.GetUtcNow() - request.FirstServedAt);
        }

        await _store.SetVerdictAsync(detection.Sha256, new ScanVerdict(VerdictResults.Match, detection.DetectedAt, detection.Id, lists.Scope), CancellationToken.None);
        await _notifier.NotifyAsync(detection, Recipients(zone.Notify), CancellationToken.None);
        _metrics.Detected(request.Zone, detection.List);
        Log.Detected(_logger, detection.Id, request.Zone, request.Url, detection.List, reason, detection.Action);
        return new ScanOutcome(ScanResult.Match, reason, blocked, detection.Id);
    }

    // The first detection made the block. Blocking again here could undo an operator's unblock made since this
    // repeat was queued, so a repeat only reports what the first one did.
    private static ScanOutcome Repeat(ZoneOptions zone, string detectionId, string reason) =>
        new(ScanResult.Match, reason, zone.Action == ZoneAction.Block, detectionId);

    private async Task<bool> IsAllowedAsync(string zone, string sha256)
    {
        try
        {
            return await _store.IsDigestAllowedAsync(zone, sha256, CancellationToken.None);
        }
        catch (StoreUnavailableException e)
        {
            // Without the review at hand, a match is acted on: blocking content an operator cleared is the lesser harm.
            Log.AllowedUnknown(_logger, zone, e.Message);
            return false;
        }
    }

    private static NotificationRecipients Recipients(NotifyOptions notify)
    {
        var webhooks = new string[notify.Webhooks.Count];
        for (var i = 0; i < webhooks.Length; i++)
        {
            webhooks[i] = notify.Webhooks[i].Url;
        }

        return new NotificationRecipients(notify.Emails, webhooks);
    }

    // Version 7: ids sort by creation time.
    private static string NewId() => Guid.CreateVersion7().ToString("N");

    private static partial class Log
    {
        [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Detection {DetectionId} in zone {Zone}: {Url} matched list {List} ({Reason}); action {Action}.")]
        public static partial void Detected(ILogger logger, string detectionId, string zone, string url, string list, string reason, string action);

        [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Zone {Zone}: the store cannot say whether a matching digest was allowed ({Problem}); acting on the match.")]
        public static partial void AllowedUnknown(ILogger logger, string zone, string problem);
    }
}
