using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ScanProxy.Scanning;

namespace ScanProxy.Tests.Scanning;

/// <summary>
/// Listens to one node's <c>ScanProxy</c> meter (and no other node's in the test process): scans by result and
/// reason, deferrals, and how many objects were decoded and hashed.
/// </summary>
internal sealed class ScanCounts : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, int> _scans = new();
    private int _hashed;
    private int _deferred;

    public ScanCounts(IMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ScanMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnLong);
        _listener.SetMeasurementEventCallback<double>(OnDouble);
        _listener.Start();
    }

    /// <summary>Objects decoded and PDQ-hashed.</summary>
    public int Hashed => Volatile.Read(ref _hashed);

    /// <summary>Objects remembered in the store for a later scan.</summary>
    public int Deferred => Volatile.Read(ref _deferred);

    /// <summary>Scans that ended with this result and reason, e.g. ("error", "truncated").</summary>
    public int Scans(string result, string reason) => _scans.TryGetValue($"{result}/{reason}", out var count) ? count : 0;

    public void Dispose() => _listener.Dispose();

    private void OnLong(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name == "scanproxy.scans")
        {
            string? result = null, reason = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "result")
                {
                    result = tag.Value as string;
                }
                else if (tag.Key == "reason")
                {
                    reason = tag.Value as string;
                }
            }

            _scans.AddOrUpdate($"{result}/{reason}", 1, (_, count) => count + 1);
        }
        else if (instrument.Name == "scanproxy.scans.deferred")
        {
            Interlocked.Increment(ref _deferred);
        }
    }

    private void OnDouble(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name != "scanproxy.scan.duration")
        {
            return;
        }

        foreach (var tag in tags)
        {
            if (tag.Key == "stage" && tag.Value as string == ScanMetrics.HashStage)
            {
                Interlocked.Increment(ref _hashed);
            }
        }
    }
}
