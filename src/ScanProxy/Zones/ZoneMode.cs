namespace ScanProxy.Zones;

/// <summary>How a zone's image responses are scanned (SPEC §4).</summary>
internal enum ZoneMode
{
    /// <summary>Serve while scanning: no added latency.</summary>
    Async,

    /// <summary>Buffer an image not yet judged and release it only when it is clean.</summary>
    Hold,
}
