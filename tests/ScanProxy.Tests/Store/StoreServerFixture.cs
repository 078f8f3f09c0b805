using Microsoft.Extensions.Logging.Abstractions;
using ScanProxy.Store;
using ScanProxy.Testing;

namespace ScanProxy.Tests.Store;

/// <summary>One server of a <see cref="StoreBackend"/> for a test fixture, and stores connected to it.</summary>
internal sealed class StoreServerFixture : IAsyncDisposable
{
    private readonly RedisServer? _redis;
    private readonly EmbeddedStoreServer? _garnet;
    private readonly string? _garnetDirectory;

    public StoreServerFixture(StoreBackend backend)
    {
        if (backend == StoreBackend.Redis)
        {
            _redis = RedisServer.StartNew();
            Configuration = _redis.Configuration;
        }
        else
        {
            _garnetDirectory = Path.Combine(Path.GetTempPath(), "scanproxy-garnet-" + Guid.NewGuid().ToString("N"));
            _garnet = EmbeddedStoreServer.Start(_garnetDirectory, NullLoggerFactory.Instance);
            Configuration = _garnet.Configuration;
        }
    }

    /// <summary>The StackExchange.Redis configuration string of the server.</summary>
    public string Configuration { get; }

    /// <summary>A new store on the server; tests pass a fresh prefix so none sees another's keys.</summary>
    public RedisScanProxyStore Connect(string keyPrefix, TimeProvider? time = null) =>
        RedisScanProxyStore.Connect(Configuration, keyPrefix, NullLogger.Instance, time ?? TimeProvider.System);

    public async ValueTask DisposeAsync()
    {
        _redis?.Dispose();
        if (_garnet is not null)
        {
            await _garnet.DisposeAsync();
            Directory.Delete(_garnetDirectory!, recursive: true);
        }
    }

    /// <summary>A key prefix no other test uses.</summary>
    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..12] + ":";
}
