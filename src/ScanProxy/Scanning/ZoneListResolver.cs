using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using ScanProxy.Matching;
using ScanProxy.Zones;

namespace ScanProxy.Scanning;

/// <summary>
/// Finds the lists in force for a zone. The answer is kept per zone and reused while neither the zone nor any of its
/// lists has been replaced, so a scan costs one catalog lookup per list and allocates nothing.
/// </summary>
internal sealed class ZoneListResolver
{
    private readonly HashListCatalog _catalog;
    private readonly ConcurrentDictionary<string, ZoneLists> _zones = new(StringComparer.OrdinalIgnoreCase);

    public ZoneListResolver(HashListCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
    }

    /// <summary>The zone's lists; false when one of them has no version in force (not loaded yet, or never loadable).</summary>
    public bool TryResolve(string zoneName, ZoneOptions zone, [NotNullWhen(true)] out ZoneLists? lists)
    {
        if (_zones.TryGetValue(zoneName, out lists) && lists.IsCurrent(zone, _catalog))
        {
            return true;
        }

        var names = zone.HashLists;
        var resolved = new HashList[names.Count];
        for (var i = 0; i < resolved.Length; i++)
        {
            if (!_catalog.TryGetList(names[i], out var list))
            {
                lists = null;
                return false;
            }

            resolved[i] = list;
        }

        lists = new ZoneLists(zone, names, resolved);
        _zones[zoneName] = lists;
        return true;
    }
}
