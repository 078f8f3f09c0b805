using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ScanProxy.Store;

/// <summary>
/// <see cref="IScanProxyStore"/> over StackExchange.Redis, for a real Redis and for the embedded Garnet alike.
/// The key layout is in <see cref="StoreKeys"/>.
/// </summary>
/// <remarks>
/// <para>
/// Outage: a write made while the server is unreachable (or that fails for want of a connection) is put in a
/// <see cref="WriteBacklog"/> and completes at once; a background loop writes the backlog in order when the
/// connection returns. Every write is idempotent (HSETNX, ZADD, SADD, SET, or a tombstone), so a write that
/// reached the server before its connection broke does no harm when it is written again. A queued
/// <see cref="BlockAsync"/> or <see cref="UnblockAsync"/> cannot know whether the URL was blocked before, and
/// returns true. Reads during an outage throw <see cref="StoreUnavailableException"/>; a read just after the
/// server returns waits (briefly) until the backlog is written, so it sees the writes made meanwhile.
/// </para>
/// <para>
/// Blocklist changes: a block or unblock made through this instance is handed to this instance's subscribers
/// at once, before the server is even asked, so a node enforces its own blocks during an outage. Other
/// instances hear it over pub/sub; each message carries this instance's id, and this instance ignores its own
/// echo, so a local subscriber hears each of its changes once. After a reconnect, once the backlog is written,
/// subscribers get <see cref="BlocklistChangeKind.Resync"/>: messages may have been missed meanwhile. They get
/// it too when the store started while the server was down, as soon as it is up. Handlers should be
/// idempotent (set semantics): a block of a URL already blocked is delivered like any other.
/// </para>
/// <para>
/// Blocklist version: a block or unblock raises the zone's version key (<see cref="StoreKeys.BlocklistVersion"/>) in
/// the same MULTI/EXEC transaction as the hash write, so the hash never changes under an unchanged version, not
/// even when the connection breaks or the process dies between the two commands (a batch would pipeline them
/// just as cheaply but not make them all-or-nothing). Both keys share the zone's hash tag, so a transaction is
/// legal on Redis Cluster. A queued write raises it when it is written. The version counts writes, not changes:
/// blocking a URL already blocked raises it too, which costs other nodes one needless reload, never a missed
/// change. The message is published after EXEC on the same connection, so a node that hears it finds the write.
/// </para>
/// </remarks>
internal sealed partial class RedisScanProxyStore : IScanProxyStore, IAsyncDisposable, IDisposable
{
    /// <summary>The audit log keeps this many newest entries.</summary>
    public const int AuditCapacity = 100_000;

    private static readonly TimeSpan s_backgroundInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_readWaitForBacklog = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_finalFlushTimeout = TimeSpan.FromSeconds(5);

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly StoreKeys _keys;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _nodeId = Guid.NewGuid().ToString("N");
    private readonly string _endpoints;
    private readonly WriteBacklog _backlog = new();
    private readonly SemaphoreSlim _wakeUp = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _handlersLock = new();
    private readonly Task _background;
    private Action<BlocklistChange>[] _handlers = [];
    private ChannelMessageQueue? _blocklistMessages;
    private volatile string? _lastError;
    private int _resyncPending;
    private int _disposed;

    private RedisScanProxyStore(ConnectionMultiplexer connection, StoreKeys keys, string endpoints, ILogger logger, TimeProvider time)
    {
        _connection = connection;
        _database = connection.GetDatabase();
        _keys = keys;
        _endpoints = endpoints;
        _logger = logger;
        _time = time;
        _connection.ConnectionFailed += OnConnectionFailed;
        _connection.ConnectionRestored += OnConnectionRestored;

        // Subscribed before the constructor returns, so a node that loads its blocklist next misses no change.
        // StackExchange.Redis renews an established subscription after every reconnect; one that failed because
        // the server was down at start is retried by the background loop.
        if (_connection.IsConnected)
        {
            TrySubscribe();
        }

        _background = Task.Run(RunBackgroundAsync);
    }

    /// <inheritdoc />
    public StoreHealth Health
    {
        get
        {
            // The failure event may come a moment after the client notices; a disconnected store always says why.
            var connected = _connection.IsConnected;
            return new(connected, _backlog.Count, _lastError ?? (connected ? null : "not connected"));
        }
    }

    /// <summary>
    /// Connects to the server named by a StackExchange.Redis configuration string. Returns at once even when the
    /// server is down (the store then queues writes and keeps trying).
    /// </summary>
    /// <exception cref="ArgumentException">The configuration string or the key prefix is not valid.</exception>
    public static RedisScanProxyStore Connect(string configuration, string keyPrefix, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        var keys = new StoreKeys(keyPrefix);
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(configuration);
        }
        catch (ArgumentException e)
        {
            // The parser's message names the bad keyword, never a password's value.
            throw new ArgumentException($"ScanProxy:Store:Redis is not a valid StackExchange.Redis configuration: {e.Message}", nameof(configuration), e);
        }

        if (options.EndPoints.Count == 0)
        {
            throw new ArgumentException("ScanProxy:Store:Redis names no server (expected e.g. \"redis1:6379\").", nameof(configuration));
        }

        // The store never gives up on the server, and queues its own writes rather than letting the client hold
        // them: a write during an outage completes at once and a read fails at once. One connect attempt keeps a
        // start during an outage from waiting (three attempts wait 10 s); reconnecting goes on in the background.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectRetry = 1;
        options.ReconnectRetryPolicy = new ExponentialRetry(250, 5_000);
        options.ClientName ??= "scanproxy";
        var endpoints = string.Join(",", options.EndPoints.Select(EndPointCollection.ToString));
        Log.Connecting(logger, endpoints);
        var connection = ConnectionMultiplexer.Connect(options);
        return new RedisScanProxyStore(connection, keys, endpoints, logger, time);
    }

    /// <inheritdoc />
    public ValueTask<bool> BlockAsync(BlockRecord block, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(block);
        RequireText(block.Zone, "zone");
        RequireText(block.Url, "url");
        var key = _keys.Blocks(block.Zone);
        var version = _keys.BlocklistVersion(block.Zone);
        var value = JsonSerializer.Serialize(block, StoreJsonContext.Default.BlockRecord);
        var message = Message(BlocklistMessage.BlockedKind, block.Zone, block.Url);
        var url = block.Url;
        var channel = _keys.BlocklistChannel;
        Deliver(new BlocklistChange(BlocklistChangeKind.Blocked, block.Zone, block.Url));
        return WriteAsync(
            async db =>
            {
                var transaction = db.CreateTransaction();
                var added = transaction.HashSetAsync(key, url, value, When.NotExists);
                var raised = transaction.StringIncrementAsync(version);
                var committed = transaction.ExecuteAsync();
                var published = db.PublishAsync(channel, message);
                await Task.WhenAll(committed, added, raised, published).ConfigureAwait(false);
                return added.Result;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> UnblockAsync(string zone, string canonicalUrl, CancellationToken cancellationToken = default)
    {
        RequireText(zone, nameof(zone));
        RequireText(canonicalUrl, nameof(canonicalUrl));
        var key = _keys.Blocks(zone);
        var version = _keys.BlocklistVersion(zone);
        var message = Message(BlocklistMessage.UnblockedKind, zone, canonicalUrl);
        var channel = _keys.BlocklistChannel;
        Deliver(new BlocklistChange(BlocklistChangeKind.Unblocked, zone, canonicalUrl));
        return WriteAsync(
            async db =>
            {
                var transaction = db.CreateTransaction();
                var removed = transaction.HashDeleteAsync(key, canonicalUrl);
                var raised = transaction.StringIncrementAsync(version);
                var committed = transaction.ExecuteAsync();
                var published = db.PublishAsync(channel, message);
                await Task.WhenAll(committed, removed, raised, published).ConfigureAwait(false);
                return removed.Result;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<BlockRecord>> GetBlocksAsync(string zone, CancellationToken cancellationToken = default)
    {
        RequireText(zone, nameof(zone));
        var key = _keys.Blocks(zone);
        return ReadAsync(
            async db =>
            {
                var entries = await db.HashGetAllAsync(key).ConfigureAwait(false);
                var blocks = new List<BlockRecord>(entries.Length);
                foreach (var entry in entries)
                {
                    blocks.Add(Deserialize(entry.Value, StoreJsonContext.Default.BlockRecord));
                }

                return (IReadOnlyList<BlockRecord>)blocks;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetBlockedUrlsAsync(string zone, CancellationToken cancellationToken = default)
    {
        RequireText(zone, nameof(zone));
        var key = _keys.Blocks(zone);
        return ReadAsync(
            async db =>
            {
                // HKEYS: the field names are the URLs; the records (about 150 bytes of JSON each) stay on the server.
                var fields = await db.HashKeysAsync(key).ConfigureAwait(false);
                var urls = new string[fields.Length];
                for (var i = 0; i < fields.Length; i++)
                {
                    urls[i] = fields[i]!;
                }

                return (IReadOnlyList<string>)urls;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> GetBlocklistVersionAsync(string zone, CancellationToken cancellationToken = default)
    {
        RequireText(zone, nameof(zone));
        var key = _keys.BlocklistVersion(zone);
        return ReadAsync(
            async db =>
            {
                var version = await db.StringGetAsync(key).ConfigureAwait(false);
                return version.IsNull ? 0L : (long)version;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public IDisposable SubscribeBlocklist(Action<BlocklistChange> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_handlersLock)
        {
            _handlers = [.. _handlers, handler];
        }

        return new Subscription(this, handler);
    }

    /// <inheritdoc />
    public async ValueTask AddDetectionAsync(DetectionRecord detection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(detection);
        RequireText(detection.Id, "id");
        RequireText(detection.Zone, "zone");
        var value = JsonSerializer.Serialize(detection, StoreJsonContext.Default.DetectionRecord);
        var score = detection.DetectedAt.ToUnixTimeMilliseconds();
        var id = detection.Id;
        var zoneIndex = _keys.ZoneDetectionsByTime(detection.Zone);
        await WriteAsync(
            async db =>
            {
                var batch = db.CreateBatch();
                var stored = batch.HashSetAsync(_keys.DetectionItems, id, value);
                var indexed = batch.SortedSetAddAsync(_keys.DetectionsByTime, id, score);
                var zoneIndexed = batch.SortedSetAddAsync(zoneIndex, id, score);
                batch.Execute();
                await Task.WhenAll(stored, indexed, zoneIndexed).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<DetectionRecord?> GetDetectionAsync(string id, CancellationToken cancellationToken = default)
    {
        RequireText(id, nameof(id));
        return ReadAsync(
            async db =>
            {
                var value = await db.HashGetAsync(_keys.DetectionItems, id).ConfigureAwait(false);
                return value.IsNull ? null : Deserialize(value, StoreJsonContext.Default.DetectionRecord);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DetectionRecord>> GetDetectionsAsync(string? zone, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var index = zone is null ? _keys.DetectionsByTime : _keys.ZoneDetectionsByTime(zone);
        double from = since is { } start ? start.ToUnixTimeMilliseconds() : double.NegativeInfinity;
        return ReadAsync(
            async db =>
            {
                var ids = await db.SortedSetRangeByScoreAsync(index, from, double.PositiveInfinity, Exclude.None, Order.Descending, 0, limit).ConfigureAwait(false);
                if (ids.Length == 0)
                {
                    return (IReadOnlyList<DetectionRecord>)[];
                }

                var values = await db.HashGetAsync(_keys.DetectionItems, ids).ConfigureAwait(false);
                var detections = new List<DetectionRecord>(values.Length);
                foreach (var value in values)
                {
                    if (!value.IsNull)
                    {
                        detections.Add(Deserialize(value, StoreJsonContext.Default.DetectionRecord));
                    }
                }

                return (IReadOnlyList<DetectionRecord>)detections;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var value = JsonSerializer.Serialize(record, StoreJsonContext.Default.AuditRecord);
        var score = record.At.ToUnixTimeMilliseconds();
        await WriteAsync(
            async db =>
            {
                var batch = db.CreateBatch();
                var added = batch.SortedSetAddAsync(_keys.Audit, value, score);
                var trimmed = batch.SortedSetRemoveRangeByRankAsync(_keys.Audit, 0, -(AuditCapacity + 1));
                batch.Execute();
                await Task.WhenAll(added, trimmed).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditRecord>> GetAuditAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return ReadAsync(
            async db =>
            {
                var values = await db.SortedSetRangeByRankAsync(_keys.Audit, 0, limit - 1, Order.Descending).ConfigureAwait(false);
                var records = new List<AuditRecord>(values.Length);
                foreach (var value in values)
                {
                    records.Add(Deserialize(value, StoreJsonContext.Default.AuditRecord));
                }

                return (IReadOnlyList<AuditRecord>)records;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<ScanVerdict?> GetVerdictAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var key = _keys.Verdict(Sha256Hex.Normalize(sha256, nameof(sha256)));
        return ReadAsync(
            async db =>
            {
                var value = await db.StringGetAsync(key).ConfigureAwait(false);
                return value.IsNull ? null : Deserialize(value, StoreJsonContext.Default.ScanVerdict);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask SetVerdictAsync(string sha256, ScanVerdict verdict, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var key = _keys.Verdict(Sha256Hex.Normalize(sha256, nameof(sha256)));
        var value = JsonSerializer.Serialize(verdict, StoreJsonContext.Default.ScanVerdict);
        await WriteAsync(db => db.StringSetAsync(key, value), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask AllowDigestAsync(string zone, string sha256, CancellationToken cancellationToken = default)
    {
        RequireText(zone, nameof(zone));
        var key = _keys.AllowedDigests(zone);
        var digest = Sha256Hex.Normalize(sha256, nameof(sha256));
        await WriteAsync(
            async db =>
            {
                await db.SetAddAsync(key, digest).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> IsDigestAllowedAsync(string zone, string sha256, CancellationToken cancellationToken = default)
    {
        RequireText(zone, nameof(zone));
        var key = _keys.AllowedDigests(zone);
        var digest = Sha256Hex.Normalize(sha256, nameof(sha256));
        return ReadAsync(db => db.SetContainsAsync(key, digest), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask EnqueueNotificationAsync(OutboxMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        RequireText(message.Id, "id");
        var id = message.Id;
        var value = JsonSerializer.Serialize(message, StoreJsonContext.Default.OutboxMessage);
        var due = message.DueAt.ToUnixTimeMilliseconds();
        await WriteAsync(
            async db =>
            {
                // HSETNX makes the enqueue idempotent, and a delivered message's tombstone keeps it from coming
                // back. ZADD NX may re-add a delivered id to the due set: the lease sees the tombstone and drops it.
                var batch = db.CreateBatch();
                var stored = batch.HashSetAsync(_keys.OutboxMessages, id, value, When.NotExists);
                var scheduled = batch.SortedSetAddAsync(_keys.OutboxDue, id, due, SortedSetWhen.NotExists);
                batch.Execute();
                await Task.WhenAll(stored, scheduled).ConfigureAwait(false);
                return stored.Result;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> LeaseDueNotificationsAsync(int max, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(lease, TimeSpan.FromMilliseconds(1));
        return ReadAsync(db => LeaseCoreAsync(db, max, lease), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask CompleteNotificationAsync(string id, CancellationToken cancellationToken = default)
    {
        RequireText(id, nameof(id));
        var leaseKey = _keys.OutboxLease(id);
        await WriteAsync(
            async db =>
            {
                var batch = db.CreateBatch();
                var tombstoned = batch.HashSetAsync(_keys.OutboxMessages, id, RedisValue.EmptyString);
                var unscheduled = batch.SortedSetRemoveAsync(_keys.OutboxDue, id);
                var released = batch.KeyDeleteAsync(leaseKey);
                batch.Execute();
                await Task.WhenAll(tombstoned, unscheduled, released).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask RetryNotificationAsync(OutboxMessage message, DateTimeOffset dueAt, string error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(error);
        RequireText(message.Id, "id");
        var id = message.Id;
        var value = JsonSerializer.Serialize(message with { Attempts = message.Attempts + 1, DueAt = dueAt, LastError = error }, StoreJsonContext.Default.OutboxMessage);
        var due = dueAt.ToUnixTimeMilliseconds();
        var leaseKey = _keys.OutboxLease(id);
        await WriteAsync(
            async db =>
            {
                var batch = db.CreateBatch();
                var stored = batch.HashSetAsync(_keys.OutboxMessages, id, value);
                var scheduled = batch.SortedSetAddAsync(_keys.OutboxDue, id, due);
                var released = batch.KeyDeleteAsync(leaseKey);
                batch.Execute();
                await Task.WhenAll(stored, scheduled, released).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask AddPendingScanAsync(PendingScan scan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scan);
        RequireText(scan.Zone, "zone");
        RequireText(scan.Url, "url");
        var value = JsonSerializer.Serialize(scan, StoreJsonContext.Default.PendingScan);
        var score = scan.FirstServedAt.ToUnixTimeMilliseconds();
        await WriteAsync(db => db.SortedSetAddAsync(_keys.PendingScans, value, score), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PendingScan>> TakePendingScansAsync(int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        return ReadAsync(
            async db =>
            {
                // ZPOPMIN hands each entry to exactly one node, oldest first.
                var entries = await db.SortedSetPopAsync(_keys.PendingScans, max).ConfigureAwait(false);
                var scans = new List<PendingScan>(entries.Length);
                foreach (var entry in entries)
                {
                    scans.Add(Deserialize(entry.Element, StoreJsonContext.Default.PendingScan));
                }

                return (IReadOnlyList<PendingScan>)scans;
            },
            cancellationToken);
    }

    /// <summary>Writes what it can of the backlog, stops the background loop and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _background.ConfigureAwait(false);
        if (_backlog.Count > 0 && _connection.IsConnected)
        {
            using var timeout = new CancellationTokenSource(s_finalFlushTimeout);
            await WriteBacklogAsync(timeout.Token).ConfigureAwait(false);
        }

        if (_backlog.Count > 0)
        {
            Log.BacklogLost(_logger, _backlog.Count);
        }

        _connection.ConnectionFailed -= OnConnectionFailed;
        _connection.ConnectionRestored -= OnConnectionRestored;
        await _connection.CloseAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _wakeUp.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task<IReadOnlyList<OutboxMessage>> LeaseCoreAsync(IDatabase db, int max, TimeSpan lease)
    {
        var now = _time.GetUtcNow();
        var ids = await db.SortedSetRangeByScoreAsync(_keys.OutboxDue, double.NegativeInfinity, now.ToUnixTimeMilliseconds(), Exclude.None, Order.Ascending, 0, max).ConfigureAwait(false);
        if (ids.Length == 0)
        {
            return [];
        }

        // SET NX is atomic on the server: of several nodes that saw the same due message, exactly one takes its
        // lease. The lease key expires by itself, so a node that dies holding it only delays the message.
        var batch = db.CreateBatch();
        var claims = new Task<bool>[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            claims[i] = batch.StringSetAsync(_keys.OutboxLease(ids[i]!), _nodeId, lease, When.NotExists);
        }

        batch.Execute();
        await Task.WhenAll(claims).ConfigureAwait(false);

        // Moving the due time past the lease keeps the message out of other nodes' candidate lists meanwhile;
        // XX never brings back an id that was completed in between.
        var leasedUntil = (now + lease).ToUnixTimeMilliseconds();
        batch = db.CreateBatch();
        var reads = new List<(RedisValue Id, Task<RedisValue> Value, Task Moved)>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            if (claims[i].Result)
            {
                reads.Add((ids[i], batch.HashGetAsync(_keys.OutboxMessages, ids[i]), batch.SortedSetAddAsync(_keys.OutboxDue, ids[i], leasedUntil, SortedSetWhen.Exists)));
            }
        }

        batch.Execute();
        var messages = new List<OutboxMessage>(reads.Count);
        List<Task>? cleanups = null;
        batch = db.CreateBatch();
        foreach (var (id, value, moved) in reads)
        {
            await moved.ConfigureAwait(false);
            var json = await value.ConfigureAwait(false);
            if (json.IsNullOrEmpty)
            {
                // Delivered already (tombstone) or gone: drop the stale schedule entry and the lease.
                cleanups ??= [];
                cleanups.Add(batch.SortedSetRemoveAsync(_keys.OutboxDue, id));
                cleanups.Add(batch.KeyDeleteAsync(_keys.OutboxLease(id!)));
                continue;
            }

            messages.Add(Deserialize(json, StoreJsonContext.Default.OutboxMessage));
        }

        if (cleanups is not null)
        {
            batch.Execute();
            await Task.WhenAll(cleanups).ConfigureAwait(false);
        }

        return messages;
    }

    private async ValueTask<bool> WriteAsync(Func<IDatabase, Task<bool>> write, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_backlog.AddIfMustWait(write, _connection.IsConnected))
        {
            OnQueued();
            return true;
        }

        try
        {
            return await write(_database).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            _lastError = e.Message;
            _backlog.Add(write);
            OnQueued();
            return true;
        }
    }

    private async Task<T> ReadAsync<T>(Func<IDatabase, Task<T>> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!_connection.IsConnected)
        {
            throw Unavailable(null);
        }

        if (_backlog.Count > 0)
        {
            // Read your own writes: an answer must include what was written during the outage.
            try
            {
                await _backlog.WhenEmpty.WaitAsync(s_readWaitForBacklog, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                throw Unavailable(e);
            }
        }

        try
        {
            return await read(_database).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            _lastError = e.Message;
            throw Unavailable(e);
        }
    }

    private StoreUnavailableException Unavailable(Exception? cause)
    {
        var queued = _backlog.Count;
        var reason = _lastError ?? cause?.Message ?? "not connected";
        var message = string.Create(
            CultureInfo.InvariantCulture,
            $"The store at {_endpoints} cannot answer now ({reason}). Reads fail until it is back; writes are kept in memory meanwhile ({queued} queued).");
        return cause is null ? new StoreUnavailableException(message) : new StoreUnavailableException(message, cause);
    }

    private void OnQueued()
    {
        var queued = _backlog.Count;
        if (queued == 1)
        {
            Log.WritesQueued(_logger, _endpoints);
        }

        WakeUp();
    }

    private async Task RunBackgroundAsync()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                // The timeout also looks on a timer, in case a reconnect event was missed.
                await _wakeUp.WaitAsync(s_backgroundInterval, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!_connection.IsConnected)
            {
                // Covers a store started while the server is down too: no "restored" event comes for a first
                // connection, yet subscribers that failed to load must reload once it is up.
                Volatile.Write(ref _resyncPending, 1);
                continue;
            }

            if (_blocklistMessages is null)
            {
                TrySubscribe();
            }

            if (!await WriteBacklogAsync(stopping).ConfigureAwait(false))
            {
                continue;
            }

            // Resync only once the subscription connection is back too: a reload before it would miss changes
            // published in between.
            if (_connection.GetSubscriber().IsConnected(_keys.BlocklistChannel) && Interlocked.Exchange(ref _resyncPending, 0) == 1)
            {
                _lastError = null;
                Deliver(new BlocklistChange(BlocklistChangeKind.Resync, null, null));
            }
        }
    }

    /// <summary>Writes the backlog in order. False when the connection failed again on the way.</summary>
    private async Task<bool> WriteBacklogAsync(CancellationToken cancellationToken)
    {
        var written = 0;
        while (_backlog.TryPeekOldest(out var write))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            try
            {
                await write(_database).ConfigureAwait(false);
            }
            catch (Exception e) when (IsConnectionFailure(e))
            {
                _lastError = e.Message;
                return false;
            }
            catch (RedisException e)
            {
                // The server refused this write itself (not the connection): retrying would fail forever and hold
                // up everything behind it.
                Log.QueuedWriteRejected(_logger, e);
            }

            _backlog.RemoveOldest();
            written++;
        }

        if (written > 0)
        {
            Log.BacklogWritten(_logger, written, _endpoints);
        }

        return true;
    }

    private void TrySubscribe()
    {
        try
        {
            var queue = _connection.GetSubscriber().Subscribe(_keys.BlocklistChannel);
            queue.OnMessage(OnBlocklistMessage);
            _blocklistMessages = queue;
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            Log.SubscribeDeferred(_logger, e.Message);
        }
    }

    private void OnBlocklistMessage(ChannelMessage message)
    {
        BlocklistMessage? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize((string)message.Message!, StoreJsonContext.Default.BlocklistMessage);
        }
        catch (JsonException e)
        {
            Log.BlocklistMessageInvalid(_logger, e);
            return;
        }

        if (parsed is null || parsed.Node == _nodeId)
        {
            return;
        }

        var kind = parsed.Kind switch
        {
            BlocklistMessage.BlockedKind => BlocklistChangeKind.Blocked,
            BlocklistMessage.UnblockedKind => BlocklistChangeKind.Unblocked,
            _ => (BlocklistChangeKind?)null,
        };
        if (kind is null)
        {
            Log.BlocklistMessageUnknownKind(_logger, parsed.Kind);
            return;
        }

        Deliver(new BlocklistChange(kind.Value, parsed.Zone, parsed.Url));
    }

    private void Deliver(BlocklistChange change)
    {
        foreach (var handler in Volatile.Read(ref _handlers))
        {
            try
            {
                handler(change);
            }
            catch (Exception e)
            {
                // One subscriber's bug must not keep the change from the others.
                Log.BlocklistHandlerFailed(_logger, change.Kind, e);
            }
        }
    }

    private void Unsubscribe(Action<BlocklistChange> handler)
    {
        lock (_handlersLock)
        {
            var index = Array.IndexOf(_handlers, handler);
            if (index >= 0)
            {
                _handlers = [.. _handlers[..index], .. _handlers[(index + 1)..]];
            }
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        _lastError = e.Exception?.Message ?? e.FailureType.ToString();
        Volatile.Write(ref _resyncPending, 1);
        Log.ConnectionLost(_logger, e.EndPoint?.ToString(), e.ConnectionType, e.FailureType, e.Exception);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        Log.ConnectionRestored(_logger, e.EndPoint?.ToString(), e.ConnectionType);
        Volatile.Write(ref _resyncPending, 1);
        WakeUp();
    }

    private void WakeUp()
    {
        try
        {
            if (_wakeUp.CurrentCount == 0)
            {
                _wakeUp.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Another thread woke the loop first; once is enough.
        }
        catch (ObjectDisposedException)
        {
            // Disposed: nothing left to wake.
        }
    }

    private string Message(string kind, string zone, string url) =>
        JsonSerializer.Serialize(new BlocklistMessage(kind, _nodeId, zone, url), StoreJsonContext.Default.BlocklistMessage);

    private static T Deserialize<T>(RedisValue value, JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize((byte[])value!, type) ?? throw new InvalidDataException($"The store holds a null {typeof(T).Name}.");

    private static bool IsConnectionFailure(Exception e) => e is RedisConnectionException or RedisTimeoutException;

    private static void RequireText(string? value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"The {name} must not be empty.", name);
        }
    }

    private sealed class Subscription(RedisScanProxyStore store, Action<BlocklistChange> handler) : IDisposable
    {
        public void Dispose() => store.Unsubscribe(handler);
    }
}
