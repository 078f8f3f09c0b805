using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ScanProxy.Telemetry;

namespace ScanProxy.Tests.Telemetry;

/// <summary>The <c>scanproxy.requests</c> increments of one host, heard through a real <see cref="MeterListener"/>.</summary>
internal sealed class RequestCounts : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string? Zone, string? Outcome, long Value)> _increments = new();

    public RequestCounts(IMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ScanProxyMeter.Name && ReferenceEquals(instrument.Meter.Scope, scope) && instrument.Name == "scanproxy.requests")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>Every increment since the last <see cref="Clear"/>, as "zone/outcome" ("-/no_zone" without a zone).</summary>
    public IReadOnlyList<string> Increments => [.. _increments.Select(i => $"{i.Zone ?? "-"}/{i.Outcome}" + (i.Value == 1 ? "" : $" x{i.Value}"))];

    public void Clear() => _increments.Clear();

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? zone = null, outcome = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "zone")
            {
                zone = tag.Value as string;
            }
            else if (tag.Key == "outcome")
            {
                outcome = tag.Value as string;
            }
        }

        _increments.Enqueue((zone, outcome, value));
    }
}
