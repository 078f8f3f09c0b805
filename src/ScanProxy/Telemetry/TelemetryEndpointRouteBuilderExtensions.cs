using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace ScanProxy.Telemetry;

/// <summary>Maps the Prometheus scrape endpoint.</summary>
internal static class TelemetryEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET /metrics</c> (Prometheus text) when <see cref="TelemetryOptions.Metrics"/> is on. Like every endpoint
    /// without the edge's metadata it answers on the admin listener only; on the edge, /metrics belongs to the site.
    /// </summary>
    public static IEndpointRouteBuilder MapScanProxyMetrics(this IEndpointRouteBuilder endpoints, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Metrics)
        {
            endpoints.MapPrometheusScrapingEndpoint();
        }

        return endpoints;
    }
}
