using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using ScanProxy.Hosting;
using ScanProxy.Scanning.Tee;

namespace ScanProxy.Edge;

/// <summary>Maps the edge: YARP's routes, one per zone, with ScanProxy's steps in the proxy pipeline.</summary>
internal static class EdgeEndpointRouteBuilderExtensions
{
    /// <summary>Maps the proxy on the edge listener only.</summary>
    public static IEndpointConventionBuilder MapScanProxyEdge(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapReverseProxy(proxy =>
        {
            // Blocking comes first: a blocked URL never reaches the steps that pick and contact an origin.
            proxy.UseBlocking();

            // The scanner's tee comes after blocking and before forwarding, so that it sees every response that is
            // served and none that is blocked.
            proxy.UseScanTee();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        }).WithMetadata(EdgeEndpointMetadata.Instance);
    }
}
