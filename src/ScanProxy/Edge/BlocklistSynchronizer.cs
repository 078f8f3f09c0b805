using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using ScanProxy.Store;
using ScanProxy.Zones;

namespace ScanProxy.Edge;

/// <summary>
/// Keeps <see cref="BlocklistCache"/> current: loads every zone before the edge starts serving (waiting at most
/// <see cref="BlocklistOptions.StartupTimeout"/>), applies each change the store announces, reloads every zone after
/// the store reconnects and when the zones change, and every <see cref="BlocklistOptions.ResyncInterval"/> reloads
/// the zones whose blocklist version moved since their last load.
/// </summary>
/// <remarks>
/// The periodic resync heals a change message missed while the connection stayed up. Every write through the store
/// moves the zone's version (<see cref="IScanProxyStore.GetBlocklistVersionAsync"/>), so a zone whose version still
/// reads what it read before its last load holds nothing this copy lacks, and costs one GET instead of a reload of
/// the whole list. The version is read before the URLs: a write that lands in between is in the URLs and moves the
/// version past the one remembered, which costs one more reload, never a missed change. A URL written into the
/// hash by hand without moving the version is picked up at the next reload for another reason (a change, a
/// reconnect, a restart).
/// </remarks>
internal sealed partial class BlocklistSynchronizer : BackgroundService
{
    // While some zone has never loaded (store down at start), retry this often rather than every ResyncInterval.
    private static readonly TimeSpan s_retryInterval = TimeSpan.FromSeconds(1);

    private readonly BlocklistCache _cache;
    private readonly IScanProxyStore _store;
    private readonly ZoneRegistry _zones;
    private readonly BlocklistOptions _options;
    private readonly ILogger<BlocklistSynchronizer> _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    // The store version each zone was last loaded at. Only the loop touches it (StartAsync, then ExecuteAsync).
    private readonly Dictionary<string, long> _loadedVersions = new(StringComparer.OrdinalIgnoreCase);
    private IDisposable? _subscription;
    private IDisposable? _zoneChanges;
    private bool _complete;

    // 1 with a wake-up that must reload every zone whatever its version: a reconnect or a change of zones.
    private int _reloadAll;

    public BlocklistSynchronizer(
        BlocklistCache cache,
        IScanProxyStore store,
        ZoneRegistry zones,
        IOptions<BlocklistOptions> options,
        ILogger<BlocklistSynchronizer> logger)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _cache = cache;
        _store = store;
        _zones = zones;
        _options = options.Value;
        _logger = logger;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribe before the first load, so that a block made during the load is replayed onto it.
        _subscription = _store.SubscribeBlocklist(OnChange);
        _zoneChanges = ChangeToken.OnChange(_zones.GetReloadToken, WakeToReloadAll);

        using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        startup.CancelAfter(_options.StartupTimeout);
        try
        {
            while (!await SynchronizeAsync(reloadAll: true, startup.Token))
            {
                await Task.Delay(s_retryInterval, startup.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.StartupIncomplete(_logger, _options.StartupTimeout);
        }

        await base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _subscription?.Dispose();
        _zoneChanges?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                wait.CancelAfter(_complete ? _options.ResyncInterval : s_retryInterval);
                try
                {
                    await _wake.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // The interval passed without a wake-up: a periodic resync.
                }
            }

            if (!stoppingToken.IsCancellationRequested)
            {
                // Taken after the wake-up: a later one leaves its own in the channel and is served next time round.
                var reloadAll = Interlocked.Exchange(ref _reloadAll, 0) == 1;
                await SynchronizeAsync(reloadAll, stoppingToken);
            }
        }
    }

    // Reloads every configured zone, or with reloadAll false only those whose version moved; true when all are loaded.
    private async Task<bool> SynchronizeAsync(bool reloadAll, CancellationToken cancellationToken)
    {
        var zones = _zones.Current.Zones;
        var complete = true;
        if (reloadAll)
        {
            // Forgotten rather than bypassed: a zone whose forced reload fails is reloaded at the next attempt too.
            _loadedVersions.Clear();
        }

        foreach (var zone in zones.Keys)
        {
            try
            {
                var version = await _store.GetBlocklistVersionAsync(zone, cancellationToken);
                if (_loadedVersions.TryGetValue(zone, out var loaded) && loaded == version && _cache.IsLoaded(zone))
                {
                    Log.Unchanged(_logger, zone, version);
                    continue;
                }

                var started = Stopwatch.GetTimestamp();
                var count = await _cache.ReloadAsync(zone, ct => _store.GetBlockedUrlsAsync(zone, ct), cancellationToken);
                var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                _loadedVersions[zone] = version;
                Log.Reloaded(_logger, zone, count, version, elapsedMs);
            }
            catch (StoreUnavailableException e)
            {
                // Said once per outage; the retries that follow every second stay quiet.
                if (_complete)
                {
                    Log.StoreUnavailable(_logger, zone, _cache.IsLoaded(zone), e.Message);
                }

                complete = false;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Anything else is logged and retried: this loop must outlive a bad answer from the store.
                complete = false;
                Log.ReloadFailed(_logger, zone, e);
            }
        }

        _cache.RetainZones(zones);

        // Removing while enumerating a Dictionary is allowed (since .NET Core 3.0).
        foreach (var zone in _loadedVersions.Keys)
        {
            if (!zones.ContainsKey(zone))
            {
                _loadedVersions.Remove(zone);
            }
        }

        if (complete && !_complete)
        {
            Log.Synchronized(_logger, zones.Count);
        }

        _complete = complete;
        return complete;
    }

    private void OnChange(BlocklistChange change)
    {
        if (change.Kind == BlocklistChangeKind.Resync)
        {
            // Messages may have been missed, and the hash may have been written by hand meanwhile: reload it all.
            WakeToReloadAll();
        }
        else
        {
            _cache.Apply(change);
        }
    }

    private void WakeToReloadAll()
    {
        Volatile.Write(ref _reloadAll, 1);
        _wake.Writer.TryWrite(true);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Zone {Zone}: blocklist reloaded at version {Version}, {Count} URL(s) in {ElapsedMs:F1} ms.")]
        public static partial void Reloaded(ILogger logger, string zone, int count, long version, double elapsedMs);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Blocklists of {ZoneCount} zone(s) loaded from the store.")]
        public static partial void Synchronized(ILogger logger, int zoneCount);

        [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Zone {Zone}: the store is unreachable, blocklist not reloaded (enforcing the copy in memory: {HasCopy}): {Reason}")]
        public static partial void StoreUnavailable(ILogger logger, string zone, bool hasCopy, string reason);

        [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Zone {Zone}: blocklist reload failed.")]
        public static partial void ReloadFailed(ILogger logger, string zone, Exception exception);

        [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "The blocklists could not be loaded within {Timeout}; serving without them and retrying every second.")]
        public static partial void StartupIncomplete(ILogger logger, TimeSpan timeout);

        [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Zone {Zone}: blocklist version {Version} unchanged, not reloaded.")]
        public static partial void Unchanged(ILogger logger, string zone, long version);
    }
}
