using ScanProxy.Store;

namespace ScanProxy.Edge;

/// <summary>
/// Blocks and unblocks URLs: in the store, which tells every node, and in this node's <see cref="BlocklistCache"/>
/// at once, so that a block made here is enforced here even while the store is unreachable. The admin API and the
/// scanner block through this, never through the store alone.
/// </summary>
internal sealed class BlocklistWriter
{
    private readonly IScanProxyStore _store;
    private readonly BlocklistCache _cache;

    public BlocklistWriter(IScanProxyStore store, BlocklistCache cache)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(cache);
        _store = store;
        _cache = cache;
    }

    /// <summary>Blocks <see cref="BlockRecord.Url"/> (a canonical URL) in its zone. False when it was already blocked.</summary>
    public async ValueTask<bool> BlockAsync(BlockRecord block, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(block);
        _cache.Apply(new BlocklistChange(BlocklistChangeKind.Blocked, block.Zone, block.Url));
        return await _store.BlockAsync(block, cancellationToken);
    }

    /// <summary>Unblocks a canonical URL in a zone. False when it was not blocked.</summary>
    public async ValueTask<bool> UnblockAsync(string zone, string canonicalUrl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(canonicalUrl);
        _cache.Apply(new BlocklistChange(BlocklistChangeKind.Unblocked, zone, canonicalUrl));
        return await _store.UnblockAsync(zone, canonicalUrl, cancellationToken);
    }
}
