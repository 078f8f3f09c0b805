using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace ScanProxy.Zones;

/// <summary>
/// One validated generation of the zones, immutable, with the host index used to find a request's zone.
/// <see cref="ZoneRegistry"/> swaps a new one in atomically when the configuration changes.
/// </summary>
internal sealed class ZoneSnapshot
{
    private const string WildcardPrefix = "*.";

    private readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _exactHosts;

    // Suffixes such as ".shop.example", longest first so that the most specific wildcard wins.
    private readonly (string Suffix, string Zone)[] _wildcardHosts;

    /// <summary>Builds the index. The zones must have passed <see cref="ZoneValidator"/> (no host in two zones).</summary>
    public ZoneSnapshot(IReadOnlyDictionary<string, ZoneOptions> zones)
    {
        ArgumentNullException.ThrowIfNull(zones);

        var exact = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var wildcards = new List<(string Suffix, string Zone)>();
        foreach (var (name, zone) in zones)
        {
            foreach (var configured in zone.Hosts)
            {
                var host = Normalize(configured);
                if (host.StartsWith(WildcardPrefix, StringComparison.Ordinal))
                {
                    wildcards.Add((host[1..], name));
                }
                else
                {
                    exact[host] = name;
                }
            }
        }

        wildcards.Sort(static (a, b) => b.Suffix.Length.CompareTo(a.Suffix.Length));
        _wildcardHosts = [.. wildcards];
        _exactHosts = exact.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        Zones = zones.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The zones by name (case-insensitive).</summary>
    public IReadOnlyDictionary<string, ZoneOptions> Zones { get; }

    /// <summary>
    /// Finds the zone serving a Host header value: case-insensitive, port and a trailing dot ignored; an exact host
    /// beats a wildcard, and a longer wildcard beats a shorter one. <c>*.x</c> matches any subdomain of x, not x.
    /// </summary>
    public bool TryMatchHost(string host, [NotNullWhen(true)] out string? zoneName) => TryMatchHost(host.AsSpan(), out zoneName);

    /// <inheritdoc cref="TryMatchHost(string, out string?)"/>
    public bool TryMatchHost(ReadOnlySpan<char> host, [NotNullWhen(true)] out string? zoneName)
    {
        host = HostName.Normalize(host);
        if (_exactHosts.TryGetValue(host, out zoneName))
        {
            return true;
        }

        // Same rule as ASP.NET Core's host matching, which routes the request to the zone's origins:
        // no empty label, so ".shop.example" and "a..shop.example" match nothing.
        if (host.Length > 0 && host[0] != '.' && !host.Contains("..", StringComparison.Ordinal))
        {
            foreach (var (suffix, zone) in _wildcardHosts)
            {
                if (host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                {
                    zoneName = zone;
                    return true;
                }
            }
        }

        zoneName = null;
        return false;
    }

    /// <summary>A configured host as the index and the router see it: lower case, no trailing dot.</summary>
    internal static string Normalize(string configuredHost)
    {
        var host = configuredHost.Trim().ToLowerInvariant();
        return host.Length > 1 && host[^1] == '.' ? host[..^1] : host;
    }
}
