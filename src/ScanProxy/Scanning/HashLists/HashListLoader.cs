using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using ScanProxy.Hosting;
using ScanProxy.Matching;

namespace ScanProxy.Scanning.HashLists;

/// <summary>
/// Loads the hash lists in the background once the host starts (the process answers /healthz at once and /readyz
/// says 503 until every list has loaded), and re-applies <c>ScanProxy:HashLists</c> whenever the configuration
/// changes. A missing or bad file is never fatal: it becomes the list's last error, visible in /readyz and in
/// <c>GET /api/v1/hashlists</c>, and the catalog keeps reloading the file when it changes.
/// </summary>
internal sealed partial class HashListLoader : IHostedService, IDisposable
{
    private readonly HashListCatalog _catalog;
    private readonly IConfiguration _configuration;
    private readonly string _contentRoot;
    private readonly ILogger<HashListLoader> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private IDisposable? _changes;
    private Task _work = Task.CompletedTask;

    public HashListLoader(HashListCatalog catalog, IConfiguration configuration, IHostEnvironment environment, ILogger<HashListLoader> logger)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(logger);
        _catalog = catalog;
        _configuration = configuration;
        _contentRoot = environment.ContentRootPath;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _work = RunExclusiveAsync(LoadAllAsync);
        _changes = ChangeToken.OnChange(_configuration.GetReloadToken, OnConfigurationChanged);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _changes?.Dispose();
        await _stopping.CancelAsync();
        await _work.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        _changes?.Dispose();
        _stopping.Dispose();
        _gate.Dispose();
    }

    private void OnConfigurationChanged()
    {
        if (!_stopping.IsCancellationRequested)
        {
            _work = RunExclusiveAsync(ApplyConfigurationAsync);
        }
    }

    private async Task LoadAllAsync(CancellationToken cancellationToken)
    {
        await _catalog.LoadAllAsync(cancellationToken);
        foreach (var status in _catalog.GetStatus())
        {
            if (status.IsLoaded)
            {
                Log.Loaded(_logger, status.Name, status.Entries, status.Version!);
            }
            else
            {
                Log.NotLoaded(_logger, status.Name, status.Path, status.LastError ?? "unknown");
            }
        }
    }

    private async Task ApplyConfigurationAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<HashListDefinition> definitions;
        try
        {
            definitions = HashListConfiguration.Load(_configuration, _contentRoot);
        }
        catch (InvalidConfigurationException e)
        {
            foreach (var error in e.Errors)
            {
                Log.ChangeRejected(_logger, error.Field, error.Message);
            }

            return;
        }

        await _catalog.ApplyDefinitionsAsync(definitions, cancellationToken);
    }

    // One load or re-application at a time, in the order the changes came.
    private async Task RunExclusiveAsync(Func<CancellationToken, Task> work)
    {
        var stopping = _stopping.Token;
        try
        {
            await _gate.WaitAsync(stopping);
            try
            {
                await work(stopping);
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.Failed(_logger, e);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7201, Level = LogLevel.Information, Message = "Hash list {Name} loaded: {Entries} entries, version {Version}.")]
        public static partial void Loaded(ILogger logger, string name, int entries, string version);

        [LoggerMessage(EventId = 7202, Level = LogLevel.Error, Message = "Hash list {Name} is not loaded from {Path}: {Problem}. /readyz answers 503 until it loads; the file is watched.")]
        public static partial void NotLoaded(ILogger logger, string name, string path, string problem);

        [LoggerMessage(EventId = 7203, Level = LogLevel.Error, Message = "Configuration change rejected, the hash lists in force stay: {Field}: {Problem}")]
        public static partial void ChangeRejected(ILogger logger, string field, string problem);

        [LoggerMessage(EventId = 7204, Level = LogLevel.Error, Message = "Loading the hash lists failed.")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
