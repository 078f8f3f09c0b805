using Microsoft.Extensions.Primitives;
using ScanProxy.Zones;
using Yarp.ReverseProxy.Configuration;

namespace ScanProxy.Edge;

/// <summary>
/// Turns the zones into YARP's configuration: per zone, one route matching its hosts and one cluster with its origins
/// as destinations; both are named after the zone. A zone reload produces a new configuration, which YARP applies
/// without dropping connections.
/// </summary>
internal sealed class ZoneProxyConfigProvider : IProxyConfigProvider
{
    private readonly ZoneRegistry _zones;

    public ZoneProxyConfigProvider(ZoneRegistry zones)
    {
        ArgumentNullException.ThrowIfNull(zones);
        _zones = zones;
    }

    public IProxyConfig GetConfig()
    {
        // The token first: a reload between the two calls then fires it, and YARP asks again.
        var changeToken = _zones.GetReloadToken();
        return Build(_zones.Current, changeToken);
    }

    private static ZoneProxyConfig Build(ZoneSnapshot snapshot, IChangeToken changeToken)
    {
        var routes = new List<RouteConfig>(snapshot.Zones.Count);
        var clusters = new List<ClusterConfig>(snapshot.Zones.Count);
        foreach (var (name, zone) in snapshot.Zones)
        {
            var hosts = new string[zone.Hosts.Count];
            for (var i = 0; i < hosts.Length; i++)
            {
                hosts[i] = ZoneSnapshot.Normalize(zone.Hosts[i]);
            }

            routes.Add(new RouteConfig
            {
                RouteId = name,
                ClusterId = name,
                Match = new RouteMatch { Hosts = hosts, Path = "/{**catch-all}" },
            });

            var destinations = new Dictionary<string, DestinationConfig>(zone.Origins.Count, StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < zone.Origins.Count; i++)
            {
                destinations.Add($"{name}/{i}", new DestinationConfig { Address = zone.Origins[i] });
            }

            clusters.Add(new ClusterConfig { ClusterId = name, Destinations = destinations });
        }

        return new ZoneProxyConfig(routes, clusters, changeToken);
    }

    private sealed class ZoneProxyConfig(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters, IChangeToken changeToken) : IProxyConfig
    {
        public IReadOnlyList<RouteConfig> Routes { get; } = routes;

        public IReadOnlyList<ClusterConfig> Clusters { get; } = clusters;

        public IChangeToken ChangeToken { get; } = changeToken;
    }
}
