namespace ScanProxy.Telemetry;

/// <summary>The names ScanProxy's own telemetry is published under.</summary>
internal static class ScanProxyMeter
{
    /// <summary>The meter every ScanProxy instrument is on, and the activity source of the scan spans.</summary>
    public const string Name = "ScanProxy";
}
