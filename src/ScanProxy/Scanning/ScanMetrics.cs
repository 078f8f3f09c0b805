using System.Diagnostics;
using System.Diagnostics.Metrics;
using ScanProxy.Telemetry;

namespace ScanProxy.Scanning;

/// <summary>
/// The scanner's instruments on the <c>ScanProxy</c> meter (SPEC §9), and the edge's request counter: the proxy's steps
/// (blocking, the tee, Hold) all reach it through here, so each edge request lands on one counter.
/// </summary>
internal sealed class ScanMetrics
{
    /// <summary>The meter every ScanProxy instrument is on.</summary>
    public const string MeterName = ScanProxyMeter.Name;

    /// <summary>Stage tag: fetching the object from its origin.</summary>
    public const string FetchStage = "fetch";

    /// <summary>Stage tag: undoing the Content-Encoding, SHA-256 and the verdict lookup.</summary>
    public const string DigestStage = "digest";

    /// <summary>Stage tag: decoding the image (header checks and limits included).</summary>
    public const string DecodeStage = "decode";

    /// <summary>Stage tag: computing the eight PDQ hashes from the decoded pixels.</summary>
    public const string HashStage = "hash";

    /// <summary>Stage tag: matching against the zone's lists.</summary>
    public const string MatchStage = "match";

    // Seconds. Without advice the exporter's default buckets (0 to 10 000) suit milliseconds, not these.
    // A stage takes from tens of microseconds (a match) to seconds (a large decode, a slow origin).
    private static readonly InstrumentAdvice<double> s_stageBuckets = new()
    {
        HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    // Seconds. A block follows the first serving by the scan's time (sub-second) up to a deferred scan's (minutes, hours).
    private static readonly InstrumentAdvice<double> s_blockDelayBuckets = new()
    {
        HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400],
    };

    private readonly Meter _meter;
    private readonly Counter<long> _scans;
    private readonly Histogram<double> _stageDuration;
    private readonly Counter<long> _deferred;
    private readonly Counter<long> _detections;
    private readonly Histogram<double> _timeToBlock;

    public ScanMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Requests = new EdgeRequestMetrics(meterFactory);
        _meter = meterFactory.Create(ScanProxyMeter.Name);
        _scans = _meter.CreateCounter<long>("scanproxy.scans", "{scan}", "Objects scanned, by zone, result (clean, match, error, skipped) and reason.");
        _stageDuration = _meter.CreateHistogram<double>(
            "scanproxy.scan.duration", "s", "Time spent in one stage of a scan, by stage (fetch, digest, hash, match).", tags: null, s_stageBuckets);
        _deferred = _meter.CreateCounter<long>("scanproxy.scans.deferred", "{scan}", "Objects remembered in the store for a later scan, by zone and reason.");
        _detections = _meter.CreateCounter<long>("scanproxy.detections", "{detection}", "Detections, by zone and hash list.");
        _timeToBlock = _meter.CreateHistogram<double>(
            "scanproxy.block.delay", "s", "Time from first serving an object to blocking its URL, by zone.", tags: null, s_blockDelayBuckets);
    }

    /// <summary><c>scanproxy.requests</c>: the edge's requests by zone and outcome.</summary>
    public EdgeRequestMetrics Requests { get; }

    /// <summary>Publishes the scan queue's depth, read when the metrics are collected.</summary>
    public void ObserveQueueDepth(Func<int> depth) =>
        _meter.CreateObservableGauge("scanproxy.scan.queue.depth", depth, "{scan}", "Objects waiting for a scan worker.");

    /// <summary>Publishes how many objects the scan queue holds at most (the Async queue and the Hold lane together).</summary>
    public void ObserveQueueCapacity(int capacity) =>
        _meter.CreateObservableGauge("scanproxy.scan.queue.capacity", () => capacity, "{scan}", "Objects the scan queue can hold (Async queue and Hold lane together).");

    /// <summary>Counts a finished scan.</summary>
    public void Scanned(string zone, ScanOutcome outcome) =>
        _scans.Add(1, new TagList { { "zone", zone }, { "result", ResultTag(outcome.Result) }, { "reason", outcome.Reason } });

    /// <summary>Records the time spent in one stage.</summary>
    public void Stage(string stage, TimeSpan elapsed) =>
        _stageDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("stage", stage));

    /// <summary>Counts an object remembered in the store for a later scan.</summary>
    public void Deferred(string zone, string reason) =>
        _deferred.Add(1, new KeyValuePair<string, object?>("zone", zone), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Counts a detection.</summary>
    public void Detected(string zone, string list) =>
        _detections.Add(1, new KeyValuePair<string, object?>("zone", zone), new KeyValuePair<string, object?>("list", list));

    /// <summary>Records the time from first serving to block.</summary>
    public void Blocked(string zone, TimeSpan sinceFirstServed) =>
        _timeToBlock.Record(Math.Max(0, sinceFirstServed.TotalSeconds), new KeyValuePair<string, object?>("zone", zone));

    private static string ResultTag(ScanResult result) => result switch
    {
        ScanResult.Clean => "clean",
        ScanResult.Match => "match",
        ScanResult.Error => "error",
        _ => "skipped",
    };
}
