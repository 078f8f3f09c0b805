using System.Globalization;
using System.Text;
using ScanProxy.Matching;
using ScanProxy.Zones;

namespace ScanProxy.Scanning;

/// <summary>
/// The hash lists a zone matches against, as in force now, and the scope that a verdict judged with them holds in.
/// Immutable; <see cref="ZoneListResolver"/> builds a new one when the zone or one of its lists changes.
/// </summary>
internal sealed class ZoneLists
{
    public ZoneLists(ZoneOptions zone, IReadOnlyList<string> names, HashList[] lists)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(lists);
        Zone = zone;
        Names = names;
        Lists = lists;
        foreach (var list in lists)
        {
            HasExact |= list.ExactSet is not null;
            HasPdq |= list.PdqIndex is not null;
        }

        Scope = BuildScope(zone, names, lists);
    }

    /// <summary>The zone's settings.</summary>
    public ZoneOptions Zone { get; }

    /// <summary>The names of the zone's lists, in the zone's order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The version in force of each list, in the order of <see cref="Names"/>.</summary>
    public HashList[] Lists { get; }

    /// <summary>Whether the zone has an MD5, SHA-1 or SHA-256 list.</summary>
    public bool HasExact { get; }

    /// <summary>Whether the zone has a PDQ list.</summary>
    public bool HasPdq { get; }

    /// <summary>
    /// What a verdict depends on besides the object: each list's name and version, MaxDistance and MinQuality. Nodes
    /// share verdicts through the store; a node trusts another's verdict only when its own scope for the zone is the
    /// same, so a zone with other lists or thresholds, or a list that has changed since, gets the object judged again.
    /// </summary>
    public string Scope { get; }

    /// <summary>Whether these are still the zone's lists in force.</summary>
    public bool IsCurrent(ZoneOptions zone, HashListCatalog catalog)
    {
        if (!ReferenceEquals(zone, Zone))
        {
            return false;
        }

        for (var i = 0; i < Lists.Length; i++)
        {
            if (!catalog.TryGetList(Names[i], out var list) || !ReferenceEquals(list, Lists[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string BuildScope(ZoneOptions zone, IReadOnlyList<string> names, HashList[] lists)
    {
        var entries = new string[lists.Length];
        for (var i = 0; i < lists.Length; i++)
        {
            entries[i] = $"{names[i]}@{lists[i].Version}";
        }

        Array.Sort(entries, StringComparer.Ordinal);
        var scope = new StringBuilder();
        scope.Append(CultureInfo.InvariantCulture, $"d{zone.MaxDistance};q{zone.MinQuality}");
        foreach (var entry in entries)
        {
            scope.Append(';').Append(entry);
        }

        return scope.ToString();
    }
}
