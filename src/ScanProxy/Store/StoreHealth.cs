namespace ScanProxy.Store;

/// <summary>The store's connection state.</summary>
/// <param name="IsConnected">True while the backing server answers.</param>
/// <param name="QueuedWrites">Writes made during an outage and not yet written.</param>
/// <param name="LastError">The last connection error, or null.</param>
internal sealed record StoreHealth(bool IsConnected, int QueuedWrites, string? LastError);
