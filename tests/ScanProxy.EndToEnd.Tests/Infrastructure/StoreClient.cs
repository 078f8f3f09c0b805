using Microsoft.Extensions.Logging.Abstractions;
using ScanProxy.Store;

namespace ScanProxy.EndToEnd.Tests.Infrastructure;

/// <summary>The test's own connection to a store the proxies share, to block and unblock as another node would.</summary>
internal static class StoreClient
{
    /// <summary>Connects to a redis-server with the default key prefix, as the proxies do.</summary>
    public static RedisScanProxyStore Connect(string redis) =>
        RedisScanProxyStore.Connect(redis, "scanproxy:", NullLogger.Instance, TimeProvider.System);

    /// <summary>Blocks a canonical URL in a zone.</summary>
    public static ValueTask<bool> BlockAsync(this IScanProxyStore store, string zone, string canonicalUrl) =>
        store.BlockAsync(new BlockRecord(zone, canonicalUrl, "end-to-end test", DateTimeOffset.UtcNow));
}
