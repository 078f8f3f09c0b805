namespace ScanProxy.Store;

/// <summary>An object that could not be scanned when served; the scanner fetches it from the origin later.</summary>
/// <param name="Zone">The zone's name.</param>
/// <param name="Url">The canonical URL.</param>
/// <param name="FirstServedAt">When it was first served.</param>
internal sealed record PendingScan(string Zone, string Url, DateTimeOffset FirstServedAt);
