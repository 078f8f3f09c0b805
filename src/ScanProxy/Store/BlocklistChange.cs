namespace ScanProxy.Store;

/// <summary>A change to a zone's blocklist, as every node hears of it.</summary>
/// <param name="Kind">What changed.</param>
/// <param name="Zone">The zone, or null with <see cref="BlocklistChangeKind.Resync"/> (all zones).</param>
/// <param name="Url">The canonical URL, or null with <see cref="BlocklistChangeKind.Resync"/>.</param>
internal sealed record BlocklistChange(BlocklistChangeKind Kind, string? Zone, string? Url);
