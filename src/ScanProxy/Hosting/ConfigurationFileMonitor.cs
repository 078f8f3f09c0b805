using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace ScanProxy.Hosting;

/// <summary>Logs each change of the <c>--config</c> file that could not be applied, and when it is applied again.</summary>
internal sealed partial class ConfigurationFileMonitor : IHostedService, IDisposable
{
    private readonly ConfigurationFileProvider _file;
    private readonly ILogger<ConfigurationFileMonitor> _logger;
    private IDisposable? _registration;
    private string? _reported;

    public ConfigurationFileMonitor(ConfigurationFileProvider file, ILogger<ConfigurationFileMonitor> logger)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(logger);
        _file = file;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = ChangeToken.OnChange(_file.GetReloadToken, OnReload);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _registration?.Dispose();

    private void OnReload()
    {
        var error = _file.LastError;
        if (error is not null)
        {
            Log.Rejected(_logger, _file.Path, error);
        }
        else if (_reported is not null)
        {
            Log.Applied(_logger, _file.Path);
        }

        _reported = error;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Configuration file {Path} changed but was not applied; the last good configuration stays in force: {Problem}")]
        public static partial void Rejected(ILogger logger, string path, string problem);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Configuration file {Path} is readable again and applied.")]
        public static partial void Applied(ILogger logger, string path);
    }
}
