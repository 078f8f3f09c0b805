using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ScanProxy.Notifications;
using ScanProxy.Store;

namespace ScanProxy.Tests.Notifications;

/// <summary>
/// One ScanProxy node as far as notifications go: a host with <see cref="StoreServiceCollectionExtensions.AddScanProxyStore"/>
/// and <see cref="NotificationServiceCollectionExtensions.AddScanProxyNotifications"/>, started and stopped like the real
/// process. Disposing it closes its store connection too.
/// </summary>
internal sealed class NotificationNode : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _started;

    private NotificationNode(IHost host, RecordingLoggerProvider logs)
    {
        _host = host;
        Logs = logs;
    }

    public RecordingLoggerProvider Logs { get; }

    public DetectionNotifier Notifier => _host.Services.GetRequiredService<DetectionNotifier>();

    public static NotificationNode Create(IConfiguration configuration)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddConfiguration(configuration);
        var logs = new RecordingLoggerProvider();
        builder.Logging.AddProvider(logs);
        builder.Services.AddScanProxyStore(builder.Configuration);
        builder.Services.AddScanProxyNotifications(builder.Configuration);
        return new NotificationNode(builder.Build(), logs);
    }

    /// <summary>Validates the options and starts the outbox dispatcher, as the host does at start-up.</summary>
    public async Task StartAsync()
    {
        await _host.StartAsync();
        _started = true;
    }

    public async Task StopAsync()
    {
        if (_started)
        {
            _started = false;
            await _host.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
