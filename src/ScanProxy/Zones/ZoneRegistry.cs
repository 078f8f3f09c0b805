using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using ScanProxy.Hosting;

namespace ScanProxy.Zones;

/// <summary>
/// The zones in force. Loaded from the configuration at start (an invalid configuration throws, so start-up fails
/// fast), then reloaded whenever the configuration changes: a valid change is swapped in atomically, an invalid one
/// is logged field by field and the last good zones stay in force.
/// </summary>
internal sealed partial class ZoneRegistry : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly ILogger<ZoneRegistry> _logger;
    private readonly IDisposable _reloadRegistration;
    private volatile ZoneSnapshot _current;
    private CancellationTokenSource _changeSource = new();

    /// <exception cref="InvalidConfigurationException">The zones in the configuration are invalid.</exception>
    public ZoneRegistry(IConfiguration configuration, ILogger<ZoneRegistry> logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(logger);

        _configuration = configuration;
        _logger = logger;
        _current = ZoneConfiguration.Load(configuration);
        Log.Loaded(logger, _current.Zones.Count);
        _reloadRegistration = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    /// <summary>The zones in force now. Read it once per use: a reload replaces it, never changes it.</summary>
    public ZoneSnapshot Current => _current;

    /// <summary>A token that fires when <see cref="Current"/> is replaced.</summary>
    public IChangeToken GetReloadToken() => new CancellationChangeToken(Volatile.Read(ref _changeSource).Token);

    public void Dispose()
    {
        _reloadRegistration.Dispose();
        _changeSource.Dispose();
    }

    private void Reload()
    {
        ZoneSnapshot next;
        try
        {
            next = ZoneConfiguration.Load(_configuration);
        }
        catch (InvalidConfigurationException e)
        {
            foreach (var error in e.Errors)
            {
                Log.ReloadRejected(_logger, error.Field, error.Message);
            }

            return;
        }

        var current = _current;
        if (SameZones(current, next))
        {
            return;
        }

        _current = next;
        Log.Reloaded(_logger, next.Zones.Count, next.Zones.Keys);
        // The replaced source is cancelled, not disposed: a reader may still be asking it for its token.
        Interlocked.Exchange(ref _changeSource, new CancellationTokenSource()).Cancel();
    }

    private static bool SameZones(ZoneSnapshot a, ZoneSnapshot b)
    {
        if (a.Zones.Count != b.Zones.Count)
        {
            return false;
        }

        foreach (var (name, zone) in a.Zones)
        {
            if (!b.Zones.TryGetValue(name, out var other) || !zone.Equals(other))
            {
                return false;
            }
        }

        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Zones loaded: {ZoneCount} zone(s).")]
        public static partial void Loaded(ILogger logger, int zoneCount);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Zones reloaded: {ZoneCount} zone(s): {ZoneNames}.")]
        public static partial void Reloaded(ILogger logger, int zoneCount, IEnumerable<string> zoneNames);

        [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Configuration change rejected, the last good zones stay in force: {Field}: {Problem}")]
        public static partial void ReloadRejected(ILogger logger, string field, string problem);
    }
}
