using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ScanProxy.Tests.Tee;

/// <summary>The <c>scanproxy.scans</c> measurements of one host, heard through a real <see cref="MeterListener"/>.</summary>
internal sealed class ScanCounts : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string? Zone, string? Result, string? Reason)> _scans = new();

    /// <param name="meterScope">The host's <see cref="IMeterFactory"/>: meters of other hosts in this process are not heard.</param>
    public ScanCounts(IMeterFactory meterScope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterScope) && instrument.Name == "scanproxy.scans")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? zone = null, result = null, reason = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "zone": zone = tag.Value as string; break;
                    case "result": result = tag.Value as string; break;
                    case "reason": reason = tag.Value as string; break;
                }
            }

            _scans.Enqueue((zone, result, reason));
        });
        _listener.Start();
    }

    public IReadOnlyList<(string? Zone, string? Result, string? Reason)> Scans => [.. _scans];

    public void Clear() => _scans.Clear();

    public void Dispose() => _listener.Dispose();
}
