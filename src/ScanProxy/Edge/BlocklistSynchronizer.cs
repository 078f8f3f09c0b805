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
/// <see cref="BlocklistOptions.StartupTimeout"/>), applies each change the store announces, and reloads every zone
/// every <see cref="BlocklistOptions.ResyncInterval"/>, after the store reconnects, and when the zones change.
/// </summary>
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
    private IDisposable? _subscription;
    private IDisposable? _zoneChanges;
    private bool _complete;

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
        _zoneChanges = ChangeToken.OnChange(_zones.GetReloadToken, Wake);

        using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        startup.CancelAfter(_options.StartupTimeout);
        try
        {
            while (!await SynchronizeAsync(startup.Token))
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
                await SynchronizeAsync(stoppingToken);
            }
        }
    }

    // Reloads every configured zone; true when all of them loaded.
    private async Task<bool> SynchronizeAsync(CancellationToken cancellationToken)
    {
        var zones = _zones.Current.Zones;
        var complete = true;
        foreach (var zone in zones.Keys)
        {
            try
            {
                var count = await _cache.ReloadAsync(zone, ct => _store.GetBlocksAsync(zone, ct), cancellationToken);
                Log.Reloaded(_logger, zone, count);
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
            Wake();
        }
        else
        {
            _cache.Apply(change);
        }
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Zone {Zone}: blocklist reloaded, {Count} URL(s).")]
        public static partial void Reloaded(ILogger logger, string zone, int count);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Blocklists of {ZoneCount} zone(s) loaded from the store.")]
        public static partial void Synchronized(ILogger logger, int zoneCount);

        [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Zone {Zone}: the store is unreachable, blocklist not reloaded (enforcing the copy in memory: {HasCopy}): {Reason}")]
        public static partial void StoreUnavailable(ILogger logger, string zone, bool hasCopy, string reason);

        [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Zone {Zone}: blocklist reload failed.")]
        public static partial void ReloadFailed(ILogger logger, string zone, Exception exception);

        [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "The blocklists could not be loaded within {Timeout}; serving without them and retrying every second.")]
        public static partial void StartupIncomplete(ILogger logger, TimeSpan timeout);
    }
}
