using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ScanProxy.Telemetry;

/// <summary>Registers ScanProxy's metrics and traces with OpenTelemetry (SPEC §9).</summary>
internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>The standard variable that turns OTLP export on.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    // The standard variable that names the service; without it, the service is "scanproxy".
    private const string ServiceNameVariable = "OTEL_SERVICE_NAME";

    // ASP.NET Core's pinned-block memory pool: AddAspNetCoreInstrumentation subscribes to it, and it records three
    // measurements for every 4 KB block Kestrel rents and returns, and a proxied 92 KB image needs 23 blocks.
    private const string MemoryPoolMeter = "Microsoft.AspNetCore.MemoryPool";

    /// <summary>
    /// With <see cref="TelemetryOptions.Metrics"/>: a MeterProvider over the <c>ScanProxy</c> meter, ASP.NET Core, Kestrel,
    /// HttpClient and the runtime, read by the Prometheus exporter (<c>/metrics</c>, mapped by
    /// <see cref="TelemetryEndpointRouteBuilderExtensions.MapScanProxyMetrics"/>). With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
    /// set: OTLP export of those metrics, and traces (the <c>ScanProxy</c> source's scan spans, ASP.NET Core, HttpClient).
    /// </summary>
    /// <returns>The options read, which the caller passes on to the mapping.</returns>
    public static TelemetryOptions AddScanProxyTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        // Read once: the exporters are built at start, so a reload could not switch them.
        var options = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]);
        if (!options.Metrics && !otlp)
        {
            return options;
        }

        var telemetry = services.AddOpenTelemetry();
        if (string.IsNullOrWhiteSpace(configuration[ServiceNameVariable]))
        {
            telemetry.ConfigureResource(resource => resource.AddService("scanproxy"));
        }

        if (options.Metrics)
        {
            telemetry.WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(ScanProxyMeter.Name)
                    .AddInstrumentation(provider => ActivatorUtilities.CreateInstance<StateGauges>(provider))
                    .AddAspNetCoreInstrumentation()
                    // Dropped: those measurements were about 2 of OpenTelemetry's 4.3-4.7 us per proxied request
                    // (benchmarks/README.md, edge load), for byte counts of a pool that no dashboard of a proxy
                    // reads; the process's memory is in the runtime meter.
                    .AddView(instrument => instrument.Meter.Name == MemoryPoolMeter ? MetricStreamConfiguration.Drop : null)
                    .AddMeter("Microsoft.AspNetCore.Server.Kestrel")
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        }

        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(ScanProxyMeter.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter());
        }

        return options;
    }
}
