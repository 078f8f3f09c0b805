using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScanProxy.Edge;
using ScanProxy.Store;
using ScanProxy.Testing;
using ScanProxy.Tests.Scanning;
using ScanProxy.Tests.Store;
using ScanProxy.Zones;
using StackExchange.Redis;

namespace ScanProxy.Tests.Edge;

/// <summary>
/// The synchronizer against a real redis-server: the periodic resync reloads a zone only when its blocklist version
/// moved, and a reconnect reloads everything. URLs written into the hash by hand, without moving the version, tell
/// a skipped reload from a done one.
/// </summary>
[NonParallelizable]
public sealed class BlocklistSynchronizerTests
{
    private static readonly TimeSpan s_resync = TimeSpan.FromMilliseconds(200);
    private static readonly DateTimeOffset s_t0 = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private RedisServer _redis = null!;
    private ConnectionMultiplexer _client = null!;
    private StoreKeys _keys = null!;
    private string _prefix = null!;
    private readonly List<IAsyncDisposable> _running = [];

    [OneTimeSetUp]
    public async Task StartRedis()
    {
        _redis = RedisServer.StartNew();
        _client = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
    }

    [OneTimeTearDown]
    public async Task StopRedis()
    {
        await _client.DisposeAsync();
        _redis.Dispose();
    }

    [SetUp]
    public void NewPrefix()
    {
        _prefix = StoreServerFixture.NewPrefix();
        _keys = new StoreKeys(_prefix);
    }

    [TearDown]
    public async Task StopNodes()
    {
        for (var i = _running.Count - 1; i >= 0; i--)
        {
            await _running[i].DisposeAsync();
        }

        _running.Clear();
    }

    [Test]
    public async Task A_periodic_resync_leaves_a_zone_alone_while_its_version_stays()
    {
        var node = await StartNodeAsync(s_resync);
        await WriteByHandAsync("http://shop.example/by-hand.jpg");

        // Two periodic resyncs that saw the version unchanged, both after the hand-written URL was in the hash.
        var seen = node.UnchangedCount;
        await Eventually.TrueAsync(() => node.UnchangedCount >= seen + 2, "two periodic resyncs");

        Assert.That(node.Cache.IsBlocked("shop", "http://shop.example/by-hand.jpg"), Is.False);
    }

    [Test]
    public async Task A_periodic_resync_reloads_a_zone_whose_version_moved()
    {
        var node = await StartNodeAsync(s_resync);
        await WriteByHandAsync("http://shop.example/by-hand.jpg");

        await _client.GetDatabase().StringIncrementAsync(_keys.BlocklistVersion("shop"));

        await Eventually.TrueAsync(() => node.Cache.IsBlocked("shop", "http://shop.example/by-hand.jpg"), "the hand-written URL to be loaded");
    }

    [Test]
    public async Task A_block_missed_by_pub_sub_is_enforced_after_the_next_periodic_resync()
    {
        var node = await StartNodeAsync(s_resync);
        var db = _client.GetDatabase();

        // What a block does in the store, without the message: as if this node's subscription had missed it.
        var transaction = db.CreateTransaction();
        _ = transaction.HashSetAsync(_keys.Blocks("shop"), "http://shop.example/missed.jpg", "{}");
        _ = transaction.StringIncrementAsync(_keys.BlocklistVersion("shop"));
        await transaction.ExecuteAsync();

        await Eventually.TrueAsync(() => node.Cache.IsBlocked("shop", "http://shop.example/missed.jpg"), "the missed block to be enforced");
    }

    [Test]
    public async Task An_unblock_missed_by_pub_sub_takes_effect_after_the_next_periodic_resync()
    {
        var writer = Connect();
        await writer.BlockAsync(new BlockRecord("shop", "http://shop.example/missed.jpg", "manual", s_t0));
        var node = await StartNodeAsync(s_resync);
        Assert.That(node.Cache.IsBlocked("shop", "http://shop.example/missed.jpg"), Is.True);

        var transaction = _client.GetDatabase().CreateTransaction();
        _ = transaction.HashDeleteAsync(_keys.Blocks("shop"), "http://shop.example/missed.jpg");
        _ = transaction.StringIncrementAsync(_keys.BlocklistVersion("shop"));
        await transaction.ExecuteAsync();

        await Eventually.TrueAsync(() => !node.Cache.IsBlocked("shop", "http://shop.example/missed.jpg"), "the missed unblock to take effect");
    }

    [Test]
    public async Task Blocks_through_another_store_reach_the_node_whatever_the_resync()
    {
        var node = await StartNodeAsync(TimeSpan.FromHours(1));
        var writer = Connect();

        await writer.BlockAsync(new BlockRecord("shop", "http://shop.example/a.jpg", "manual", s_t0));

        await Eventually.TrueAsync(() => node.Cache.IsBlocked("shop", "http://shop.example/a.jpg"), "the block to arrive over pub/sub");
    }

    [Test]
    public async Task A_reconnect_reloads_every_zone_even_when_no_version_moved()
    {
        // No periodic resync in this test's time: only the reconnect can load the hand-written URL.
        var node = await StartNodeAsync(TimeSpan.FromHours(1));
        await WriteByHandAsync("http://shop.example/by-hand.jpg");

        // Drops the node's connections (not this test's) without losing the data, as a network blip would.
        var server = _client.GetServer(_redis.Configuration);
        await server.ExecuteAsync("CLIENT", "KILL", "TYPE", "normal");
        await server.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");

        await Eventually.TrueAsync(() => node.Cache.IsBlocked("shop", "http://shop.example/by-hand.jpg"), "the reload after the reconnect");
        Assert.That(await _client.GetDatabase().StringGetAsync(_keys.BlocklistVersion("shop")), Is.EqualTo(RedisValue.Null), "the version never moved");
    }

    [Test]
    public async Task A_change_of_zones_reloads_every_zone_even_when_no_version_moved()
    {
        var node = await StartNodeAsync(TimeSpan.FromHours(1));
        await WriteByHandAsync("http://shop.example/by-hand.jpg");

        node.AddZone("blog", "blog.example");

        await Eventually.TrueAsync(() => node.Cache.IsBlocked("shop", "http://shop.example/by-hand.jpg"), "the reload after the zones changed");
        Assert.That(node.Cache.IsLoaded("blog"), Is.True);
    }

    [Test]
    public async Task Start_up_loads_a_blocklist_written_by_hand()
    {
        await WriteByHandAsync("http://shop.example/by-hand.jpg");

        var node = await StartNodeAsync(TimeSpan.FromHours(1));

        Assert.That(node.Cache.IsBlocked("shop", "http://shop.example/by-hand.jpg"), Is.True);
    }

    // Into the hash only, as benchmarks/load/run.sh loads it: the version does not move.
    private async Task WriteByHandAsync(string url) =>
        await _client.GetDatabase().HashSetAsync(_keys.Blocks("shop"), url, "{}");

    private RedisScanProxyStore Connect()
    {
        var store = RedisScanProxyStore.Connect(_redis.Configuration, _prefix, NullLogger.Instance, TimeProvider.System);
        _running.Add(store);
        return store;
    }

    private async Task<Node> StartNodeAsync(TimeSpan resyncInterval)
    {
        var node = new Node(Connect(), resyncInterval);
        _running.Add(node);
        await node.StartAsync();
        return node;
    }

    /// <summary>One node's blocklist: a cache kept by a synchronizer on its own store, with the log it writes.</summary>
    private sealed class Node : IAsyncDisposable
    {
        private readonly ListLogger _log = new();
        private readonly ILoggerFactory _loggers;
        private readonly IConfigurationRoot _configuration;
        private readonly ZoneRegistry _zones;
        private readonly BlocklistSynchronizer _synchronizer;

        public Node(IScanProxyStore store, TimeSpan resyncInterval)
        {
            _loggers = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(new ListLoggerProvider(_log)));
            _configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ScanProxy:Zones:shop:Hosts:0"] = "shop.example",
                ["ScanProxy:Zones:shop:Origins:0"] = "http://127.0.0.1:9",
            }).Build();
            _zones = new ZoneRegistry(_configuration, NullLogger<ZoneRegistry>.Instance);
            Cache = new BlocklistCache(NullLogger<BlocklistCache>.Instance);
            _synchronizer = new BlocklistSynchronizer(
                Cache,
                store,
                _zones,
                Options.Create(new BlocklistOptions { ResyncInterval = resyncInterval }),
                _loggers.CreateLogger<BlocklistSynchronizer>());
        }

        public BlocklistCache Cache { get; }

        /// <summary>How many times a resync found a zone's version unchanged and skipped its reload.</summary>
        public int UnchangedCount => _log.Lines.Count(l => l.Contains("unchanged, not reloaded", StringComparison.Ordinal));

        public Task StartAsync() => _synchronizer.StartAsync(CancellationToken.None);

        /// <summary>Adds a zone to the configuration and reloads it, as an edit of the configuration file would.</summary>
        public void AddZone(string name, string host)
        {
            _configuration[$"ScanProxy:Zones:{name}:Hosts:0"] = host;
            _configuration[$"ScanProxy:Zones:{name}:Origins:0"] = "http://127.0.0.1:9";
            _configuration.Reload();
        }

        public async ValueTask DisposeAsync()
        {
            await _synchronizer.StopAsync(CancellationToken.None);
            _synchronizer.Dispose();
            _zones.Dispose();
            _loggers.Dispose();
        }
    }

    private sealed class ListLoggerProvider(ListLogger logger) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }
}
