namespace ScanProxy.Telemetry;

/// <summary>The <c>ScanProxy:Telemetry</c> section: what the process exports about itself (SPEC §9).</summary>
internal sealed record TelemetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ScanProxy:Telemetry";

    /// <summary>
    /// Whether metrics are collected and served at <c>GET /metrics</c> on the admin listener (and exported by OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set). When false no meter is listened to and /metrics answers 404.
    /// </summary>
    public bool Metrics { get; init; } = true;
}
