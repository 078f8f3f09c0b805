using System.Diagnostics.Metrics;
using ScanProxy.Edge;
using ScanProxy.Matching;
using ScanProxy.Store;
using ScanProxy.Zones;

namespace ScanProxy.Telemetry;

/// <summary>
/// The observable gauges of what this node holds (SPEC §9): blocked URLs per configured zone, the state of every
/// configured hash list, and the store's connection. They are read when the metrics are collected, never on a request.
/// </summary>
internal sealed class StateGauges
{
    private readonly ZoneRegistry _zones;
    private readonly BlocklistCache _blocklist;
    private readonly HashListCatalog _catalog;
    private readonly IScanProxyStore _store;
    private readonly TimeProvider _time;

    public StateGauges(IMeterFactory meterFactory, ZoneRegistry zones, BlocklistCache blocklist, HashListCatalog catalog, IScanProxyStore store, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(blocklist);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        _zones = zones;
        _blocklist = blocklist;
        _catalog = catalog;
        _store = store;
        _time = time;

        var meter = meterFactory.Create(ScanProxyMeter.Name);
        meter.CreateObservableGauge("scanproxy.blocklist.urls", BlockedUrls, "{url}", "Blocked URLs held in this node's memory, by configured zone.");
        meter.CreateObservableGauge("scanproxy.hashlist.entries", HashListEntries, "{entry}", "Distinct entries of the version in force, by hash list and kind.");
        meter.CreateObservableGauge("scanproxy.hashlist.age", HashListAges, "s", "Seconds since the version in force of a hash list was loaded; absent while none is.");
        meter.CreateObservableGauge("scanproxy.hashlist.load.failed", HashListLoadFailures, "{list}", "1 when the last load of a hash list failed (the previous version stays in force), else 0.");
        meter.CreateObservableGauge("scanproxy.store.up", () => _store.Health.IsConnected ? 1 : 0, "{store}", "1 when the store answers, 0 when not.");
        meter.CreateObservableGauge("scanproxy.store.backlog", () => (long)_store.Health.QueuedWrites, "{write}", "Writes queued in this process while the store is unreachable.");
    }

    /// <summary>The <c>kind</c> tag of a hash list.</summary>
    public static string KindTag(HashListKind kind) => kind switch
    {
        HashListKind.Pdq => "pdq",
        HashListKind.Md5 => "md5",
        HashListKind.Sha1 => "sha1",
        HashListKind.Sha256 => "sha256",
        _ => "other",
    };

    private IEnumerable<Measurement<long>> BlockedUrls()
    {
        var zones = _zones.Current.Zones;
        var measurements = new List<Measurement<long>>(zones.Count);
        foreach (var name in zones.Keys)
        {
            measurements.Add(new Measurement<long>(_blocklist.Count(name), new KeyValuePair<string, object?>("zone", name)));
        }

        return measurements;
    }

    private IEnumerable<Measurement<long>> HashListEntries()
    {
        var lists = _catalog.GetStatus();
        var measurements = new List<Measurement<long>>(lists.Count);
        foreach (var list in lists)
        {
            measurements.Add(new Measurement<long>(
                list.Entries, new KeyValuePair<string, object?>("list", list.Name), new KeyValuePair<string, object?>("kind", KindTag(list.Kind))));
        }

        return measurements;
    }

    private IEnumerable<Measurement<double>> HashListAges()
    {
        var lists = _catalog.GetStatus();
        var now = _time.GetUtcNow();
        var measurements = new List<Measurement<double>>(lists.Count);
        foreach (var list in lists)
        {
            if (list.IsLoaded && list.LoadedAt is { } loadedAt)
            {
                measurements.Add(new Measurement<double>(Math.Max(0, (now - loadedAt).TotalSeconds), new KeyValuePair<string, object?>("list", list.Name)));
            }
        }

        return measurements;
    }

    private IEnumerable<Measurement<int>> HashListLoadFailures()
    {
        var lists = _catalog.GetStatus();
        var measurements = new List<Measurement<int>>(lists.Count);
        foreach (var list in lists)
        {
            measurements.Add(new Measurement<int>(list.LastError is null ? 0 : 1, new KeyValuePair<string, object?>("list", list.Name)));
        }

        return measurements;
    }
}
