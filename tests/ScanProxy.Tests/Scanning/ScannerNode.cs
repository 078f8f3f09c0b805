using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ScanProxy.Matching;
using ScanProxy.Notifications;
using ScanProxy.Scanning;
using ScanProxy.Scanning.HashLists;
using ScanProxy.Store;
using ScanProxy.Zones;
using ScanProxy.Tests.Notifications;

namespace ScanProxy.Tests.Scanning;

/// <summary>
/// One ScanProxy node as far as scanning goes: a host with the store, zones, hash lists, notifications and scanner
/// registered exactly as the real process registers them, over a real Redis store, with its content root in the
/// test's directory. Disposing it stops the host (the scanner remembers what it had queued) and closes its store.
/// </summary>
internal sealed class ScannerNode : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _disposed;

    private ScannerNode(IHost host, RecordingLoggerProvider logs)
    {
        _host = host;
        Logs = logs;
        Counts = new ScanCounts(host.Services.GetRequiredService<IMeterFactory>());
    }

    public IScanService Scanner => _host.Services.GetRequiredService<IScanService>();

    public ScanService Service => _host.Services.GetRequiredService<ScanService>();

    public IScanProxyStore Store => _host.Services.GetRequiredService<IScanProxyStore>();

    public HashListCatalog Catalog => _host.Services.GetRequiredService<HashListCatalog>();

    public ScanCounts Counts { get; }

    public RecordingLoggerProvider Logs { get; }

    /// <summary>Starts a node on <paramref name="configuration"/> and, unless told not to, waits until every hash list has loaded.</summary>
    public static async Task<ScannerNode> StartAsync(IConfiguration configuration, string contentRoot, bool waitForLists = true)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = contentRoot });
        builder.Configuration.AddConfiguration(configuration);
        var logs = new RecordingLoggerProvider();
        builder.Logging.AddProvider(logs);
        builder.Services.AddScanProxyStore(builder.Configuration);
        builder.Services.AddScanProxyZones();
        builder.Services.AddScanProxyHashLists(builder.Configuration);
        builder.Services.AddScanProxyNotifications(builder.Configuration);
        builder.Services.AddScanProxyScanner(builder.Configuration);
        var node = new ScannerNode(builder.Build(), logs);
        await node._host.StartAsync();
        if (waitForLists)
        {
            await Eventually.TrueAsync(() => node.Catalog.IsReady, "every hash list to load");
        }

        return node;
    }

    /// <summary>An object as the tee hands it over: the body in pooled memory, served just now under <paramref name="url"/>.</summary>
    public static ScanRequest Request(string url, ReadOnlySpan<byte> body, string? contentEncoding = null, string zone = ScannerTestBase.Zone)
    {
        var pooled = new PooledBody(body.Length, int.MaxValue);
        if (!pooled.TryAppend(body))
        {
            throw new InvalidOperationException("The body does not fit.");
        }

        return new ScanRequest
        {
            Zone = zone,
            Url = url,
            // Nothing listens there: a test that needs a fetch says so.
            OriginUrl = new Uri("http://127.0.0.1:9" + new Uri(url).PathAndQuery),
            FirstServedAt = DateTimeOffset.UtcNow,
            Body = pooled,
            ContentEncoding = contentEncoding,
        };
    }

    /// <summary>Judges an object now, as Hold mode does, and returns the verdict.</summary>
    public Task<ScanOutcome> ScanAsync(string url, ReadOnlySpan<byte> body, string? contentEncoding = null, string zone = ScannerTestBase.Zone) =>
        Scanner.ScanNowAsync(Request(url, body, contentEncoding, zone), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Counts.Dispose();
        await _host.StopAsync();
        _host.Dispose();
    }
}
