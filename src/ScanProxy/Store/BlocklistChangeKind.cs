namespace ScanProxy.Store;

/// <summary>The kinds of <see cref="BlocklistChange"/>.</summary>
internal enum BlocklistChangeKind
{
    /// <summary>A URL was blocked.</summary>
    Blocked,

    /// <summary>A URL was unblocked.</summary>
    Unblocked,

    /// <summary>Messages may have been missed (a reconnect): reload the blocklists from the store.</summary>
    Resync,
}
