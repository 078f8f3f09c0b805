namespace ScanProxy.Zones;

/// <summary>What a detection does in a zone (SPEC §6).</summary>
internal enum ZoneAction
{
    /// <summary>The URL joins the zone's blocklist on every node.</summary>
    Block,

    /// <summary>The detection is recorded and notified; nothing is blocked.</summary>
    LogOnly,
}
