using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScanProxy.Matching;
using ScanProxy.Store;
using ScanProxy.Zones;

namespace ScanProxy.Scanning;

/// <summary>
/// The scan queue and its workers (issue 6). Async-mode objects go into a bounded queue; when it is full they are
/// remembered in the store (their bodies released at once) and a pump takes them back, to be fetched from the origin,
/// whenever the queue is at most half full. Hold-mode objects have clients waiting on them: they go into a lane of
/// their own that every worker serves first, so a Hold scan waits for at most the scans already running, never
/// behind the Async backlog, and Hold requests still cannot take more cores than the workers have.
/// </summary>
/// <remarks>
/// Workers: <see cref="ScannerOptions.Workers"/>, or when 0 one per core less one, at least one. Decoding is CPU-bound
/// and serving is mostly waiting on sockets, so one core left to Kestrel and YARP keeps serving latency from queueing
/// behind decodes while the scanner uses the rest of the machine. On shutdown the objects still queued, and any scan
/// interrupted, are remembered in the store: nothing is silently left unscanned.
/// </remarks>
internal sealed partial class ScanService : IScanService, IHostedService, IDisposable
{
    private const int PumpBatch = 64;
    private static readonly TimeSpan s_pumpInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_deferralDrainTimeout = TimeSpan.FromSeconds(5);

    private static readonly ScanOutcome s_queueFull = new(ScanResult.Error, ScanReasons.QueueFull, Blocked: false);
    private static readonly ScanOutcome s_timeout = new(ScanResult.Error, ScanReasons.Timeout, Blocked: false);

    private readonly ScanPipeline _pipeline;
    private readonly IScanProxyStore _store;
    private readonly ZoneRegistry _zones;
    private readonly HashListCatalog _catalog;
    private readonly ScanMetrics _metrics;
    private readonly IOptionsMonitor<ScannerOptions> _options;
    private readonly ILogger<ScanService> _logger;
    private readonly int _capacity;
    private readonly Channel<ScanRequest> _queue;
    private readonly Channel<HoldScan> _hold;
    private readonly SemaphoreSlim _work = new(0);
    private readonly SemaphoreSlim _pumpWake = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private Task[] _workers = [];
    private Task _pump = Task.CompletedTask;
    private int _deferralsInFlight;
    private volatile bool _pendingKnown = true;

    public ScanService(
        ScanPipeline pipeline,
        IScanProxyStore store,
        ZoneRegistry zones,
        HashListCatalog catalog,
        ScanMetrics metrics,
        IOptionsMonitor<ScannerOptions> options,
        ILogger<ScanService> logger)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _pipeline = pipeline;
        _store = store;
        _zones = zones;
        _catalog = catalog;
        _metrics = metrics;
        _options = options;
        _logger = logger;

        // The queue's size and the pool are fixed for the life of the process; the other limits apply to each scan.
        var current = options.CurrentValue;
        _capacity = current.QueueCapacity;
        WorkerCount = ChooseWorkers(current.Workers, Environment.ProcessorCount);
        var bounded = new BoundedChannelOptions(_capacity) { FullMode = BoundedChannelFullMode.Wait };
        _queue = Channel.CreateBounded<ScanRequest>(bounded);
        _hold = Channel.CreateBounded<HoldScan>(bounded);
        metrics.ObserveQueueDepth(() => _queue.Reader.Count + _hold.Reader.Count);
        metrics.ObserveQueueCapacity(2 * _capacity);
    }

    /// <summary>The number of scan workers.</summary>
    public int WorkerCount { get; }

    /// <summary>Objects waiting for a worker now.</summary>
    public int QueueDepth => _queue.Reader.Count + _hold.Reader.Count;

    /// <summary>The workers for a configured count: 0 means one per core less one, at least one.</summary>
    public static int ChooseWorkers(int configured, int processorCount) =>
        configured > 0 ? configured : Math.Max(1, processorCount - 1);

    /// <inheritdoc />
    public ScanAdmission Submit(ScanRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_queue.Writer.TryWrite(request))
        {
            _work.Release();
            return ScanAdmission.Queued;
        }

        Defer(request, ScanReasons.QueueFull);
        return ScanAdmission.Deferred;
    }

    /// <inheritdoc />
    public async Task<ScanOutcome> ScanNowAsync(ScanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hold = new HoldScan(request);
        if (!_hold.Writer.TryWrite(hold))
        {
            Defer(request, ScanReasons.QueueFull);
            return s_queueFull;
        }

        _work.Release();
        try
        {
            return await hold.Completion.Task.WaitAsync(_options.CurrentValue.Timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The scan goes on and records its verdict; the client waits no longer.
            return s_timeout;
        }
    }

    /// <summary>Starts the workers and the pump of remembered objects.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var workers = new Task[WorkerCount];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(RunWorkerAsync, CancellationToken.None);
        }

        _workers = workers;
        _pump = Task.Run(RunPumpAsync, CancellationToken.None);
        Log.Started(_logger, WorkerCount, _capacity);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops taking work, interrupts the scans running (each is remembered for later), and remembers every object
    /// still queued.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        _hold.Writer.TryComplete();
        await _stopping.CancelAsync();
        await Task.WhenAll([.. _workers, _pump]).WaitAsync(cancellationToken);

        var remembered = 0;
        while (_hold.Reader.TryRead(out var hold))
        {
            Defer(hold.Request, ScanReasons.Stopping);
            hold.Completion.TrySetResult(ScanPipeline.Stopping);
            remembered++;
        }

        while (_queue.Reader.TryRead(out var request))
        {
            Defer(request, ScanReasons.Stopping);
            remembered++;
        }

        // The store completes a write as soon as it is queued (even during an outage), so this is short.
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        drain.CancelAfter(s_deferralDrainTimeout);
        while (Volatile.Read(ref _deferralsInFlight) > 0 && !drain.IsCancellationRequested)
        {
            await Task.Delay(10, CancellationToken.None);
        }

        Log.Stopped(_logger, remembered);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _work.Dispose();
        _pumpWake.Dispose();
    }

    private async Task RunWorkerAsync()
    {
        var stopping = _stopping.Token;
        while (true)
        {
            try
            {
                await _work.WaitAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (_hold.Reader.TryRead(out var hold))
            {
                await RunHoldAsync(hold, stopping);
            }
            else if (_queue.Reader.TryRead(out var request))
            {
                await RunQueuedAsync(request, stopping);
            }

            if (_pendingKnown && HasRoomForPending())
            {
                WakePump();
            }
        }
    }

    private async Task RunQueuedAsync(ScanRequest request, CancellationToken stopping)
    {
        using (request)
        {
            var outcome = await _pipeline.ScanAsync(request, stopping);
            if (IsDeferral(outcome))
            {
                Defer(request, outcome.Reason);
            }
        }
    }

    private async Task RunHoldAsync(HoldScan hold, CancellationToken stopping)
    {
        using (hold.Request)
        {
            var outcome = await _pipeline.ScanAsync(hold.Request, stopping);
            if (IsDeferral(outcome))
            {
                // Hold mode applies its failure policy now; the object is still judged later.
                Defer(hold.Request, outcome.Reason);
            }

            hold.Completion.TrySetResult(outcome);
        }
    }

    private static bool IsDeferral(ScanOutcome outcome) =>
        ReferenceEquals(outcome, ScanPipeline.ListsNotLoaded) || ReferenceEquals(outcome, ScanPipeline.Stopping);

    /// <summary>Remembers the object in the store for a later scan and releases its body now.</summary>
    private void Defer(ScanRequest request, string reason)
    {
        var pending = new PendingScan(request.Zone, request.Url, request.FirstServedAt);
        request.Dispose();
        _metrics.Deferred(request.Zone, reason);
        _pendingKnown = true;
        Interlocked.Increment(ref _deferralsInFlight);
        _ = RememberAsync(pending, reason);
    }

    private async Task RememberAsync(PendingScan pending, string reason)
    {
        try
        {
            await _store.AddPendingScanAsync(pending, CancellationToken.None);
            Log.Deferred(_logger, pending.Zone, pending.Url, reason);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.DeferFailed(_logger, e, pending.Zone, pending.Url);
        }
        finally
        {
            Interlocked.Decrement(ref _deferralsInFlight);
        }
    }

    private bool HasRoomForPending() => 2 * (_capacity - _queue.Reader.Count) >= _capacity;

    private void WakePump()
    {
        if (_pumpWake.CurrentCount == 0)
        {
            try
            {
                _pumpWake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another worker woke it first.
            }
        }
    }

    /// <summary>
    /// Takes remembered objects back from the store (this node's and other nodes') while the queue is at most half
    /// full and every hash list has a version in force; otherwise, and when there are none, looks again every second.
    /// </summary>
    private async Task RunPumpAsync()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            var taken = 0;
            if (HasRoomForPending() && _catalog.IsReady)
            {
                taken = await PumpAsync(Math.Min(_capacity - _queue.Reader.Count, PumpBatch), stopping);
            }

            if (taken == 0)
            {
                try
                {
                    await _pumpWake.WaitAsync(s_pumpInterval, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<int> PumpAsync(int max, CancellationToken stopping)
    {
        IReadOnlyList<PendingScan> taken;
        try
        {
            taken = await _store.TakePendingScansAsync(max, stopping);
        }
        catch (StoreUnavailableException)
        {
            return 0;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }

        if (taken.Count < max)
        {
            _pendingKnown = false;
        }

        foreach (var pending in taken)
        {
            if (ToRequest(pending) is not { } request)
            {
                Log.PendingDropped(_logger, pending.Zone, pending.Url);
                continue;
            }

            if (_queue.Writer.TryWrite(request))
            {
                _work.Release();
            }
            else
            {
                Defer(request, ScanReasons.QueueFull);
            }
        }

        return taken.Count;
    }

    /// <summary>A remembered object as a request without a body: the worker fetches it from the zone's first origin.</summary>
    private ScanRequest? ToRequest(PendingScan pending)
    {
        if (!_zones.Current.Zones.TryGetValue(pending.Zone, out var zone) || !zone.Scan || zone.Origins.Count == 0
            || !Uri.TryCreate(pending.Url, UriKind.Absolute, out var url))
        {
            return null;
        }

        // As the proxy forwards: the origin's own path, if any, then the request's path and query.
        return new ScanRequest
        {
            Zone = pending.Zone,
            Url = pending.Url,
            OriginUrl = new Uri(zone.Origins[0].TrimEnd('/') + url.PathAndQuery),
            FirstServedAt = pending.FirstServedAt,
        };
    }

    private sealed class HoldScan(ScanRequest request)
    {
        public ScanRequest Request { get; } = request;

        public TaskCompletionSource<ScanOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7010, Level = LogLevel.Information, Message = "Scanner started: {Workers} worker(s), queue of {Capacity}.")]
        public static partial void Started(ILogger logger, int workers, int capacity);

        [LoggerMessage(EventId = 7011, Level = LogLevel.Information, Message = "Scanner stopped; {Remembered} queued object(s) remembered for a later scan.")]
        public static partial void Stopped(ILogger logger, int remembered);

        [LoggerMessage(EventId = 7012, Level = LogLevel.Debug, Message = "Zone {Zone}: {Url} remembered for a later scan ({Reason}).")]
        public static partial void Deferred(ILogger logger, string zone, string url, string reason);

        [LoggerMessage(EventId = 7013, Level = LogLevel.Error, Message = "Zone {Zone}: {Url} could not be remembered for a later scan.")]
        public static partial void DeferFailed(ILogger logger, Exception exception, string zone, string url);

        [LoggerMessage(EventId = 7014, Level = LogLevel.Warning, Message = "Zone {Zone}: remembered object {Url} is dropped: the zone is gone, does not scan, or the URL is not absolute.")]
        public static partial void PendingDropped(ILogger logger, string zone, string url);
    }
}
