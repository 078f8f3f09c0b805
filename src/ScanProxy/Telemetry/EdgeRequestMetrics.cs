using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ScanProxy.Telemetry;

/// <summary>
/// <c>scanproxy.requests</c>: one increment per edge request, where its answer is decided (see
/// <see cref="RequestOutcomes"/>). Called on every request, so the tags of each zone are built once and kept.
/// </summary>
internal sealed class EdgeRequestMetrics
{
    private static readonly KeyValuePair<string, object?>[] s_noZone = [new("outcome", RequestOutcomes.NoZone)];

    private readonly Counter<long> _requests;

    // Zones come from the configuration (route ids), so this holds one entry per zone ever configured.
    private readonly ConcurrentDictionary<string, ZoneTags> _tags = new(StringComparer.Ordinal);
    private readonly Func<string, ZoneTags> _createTags = static zone => new ZoneTags(zone);

    public EdgeRequestMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(ScanProxyMeter.Name);
        _requests = meter.CreateCounter<long>(
            "scanproxy.requests", "{request}", "Edge requests, by zone and outcome (forwarded, blocked, no_zone, unavailable).");
    }

    /// <summary>Counts a request of <paramref name="zone"/> sent to the origin.</summary>
    public void Forwarded(string zone) => _requests.Add(1, TagsOf(zone).Forwarded);

    /// <summary>Counts a request of <paramref name="zone"/> answered with the zone's block status.</summary>
    public void Blocked(string zone) => _requests.Add(1, TagsOf(zone).Blocked);

    /// <summary>Counts a request of <paramref name="zone"/> answered 503 because its held image could not be judged.</summary>
    public void Unavailable(string zone) => _requests.Add(1, TagsOf(zone).Unavailable);

    /// <summary>Counts a request whose host belongs to no zone.</summary>
    public void NoZone() => _requests.Add(1, s_noZone);

    private ZoneTags TagsOf(string zone) => _tags.TryGetValue(zone, out var tags) ? tags : _tags.GetOrAdd(zone, _createTags);

    private sealed class ZoneTags(string zone)
    {
        public KeyValuePair<string, object?>[] Forwarded { get; } = [new("zone", zone), new("outcome", RequestOutcomes.Forwarded)];

        public KeyValuePair<string, object?>[] Blocked { get; } = [new("zone", zone), new("outcome", RequestOutcomes.Blocked)];

        public KeyValuePair<string, object?>[] Unavailable { get; } = [new("zone", zone), new("outcome", RequestOutcomes.Unavailable)];
    }
}
