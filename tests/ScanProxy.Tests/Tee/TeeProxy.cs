using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ScanProxy.Edge;
using ScanProxy.Matching;
using ScanProxy.Scanning;
using ScanProxy.Scanning.Tee;
using ScanProxy.Store;
using ScanProxy.Zones;
using Yarp.ReverseProxy.Configuration;

namespace ScanProxy.Tests.Tee;

/// <summary>
/// The edge's proxy pipeline in this process on a real Kestrel listener: YARP fed by the zones, blocking, then the
/// tee, in front of a real origin. Only the scanner is a <see cref="RecordingScanService"/>.
/// </summary>
/// <remarks>
/// Zones: <c>async.test</c> (Async), <c>hold.test</c> (Hold, FailOpen), <c>closed.test</c> (Hold, FailClosed,
/// block status 410), <c>off.test</c> (Scan off). Scanner:MaxObjectBytes is <see cref="MaxObjectBytes"/>: the
/// JPEG fits, the PNG does not.
/// </remarks>
internal sealed class TeeProxy : IAsyncDisposable
{
    public const long MaxObjectBytes = 20_000;
    public static readonly TimeSpan ScanTimeout = TimeSpan.FromMilliseconds(300);

    private readonly WebApplication _app;

    private TeeProxy(WebApplication app, HttpClient client, RecordingScanService scanner)
    {
        _app = app;
        Client = client;
        Scanner = scanner;
    }

    public RecordingScanService Scanner { get; }

    public HttpClient Client { get; }

    public BlocklistCache Blocklist => _app.Services.GetRequiredService<BlocklistCache>();

    public KnownObjectCache KnownObjects => _app.Services.GetRequiredService<KnownObjectCache>();

    /// <summary>The list scope of a zone now, as the scanner would record it with a clean verdict.</summary>
    public string ScopeOf(string zone)
    {
        var zones = _app.Services.GetRequiredService<ZoneRegistry>().Current.Zones;
        Assert.That(_app.Services.GetRequiredService<ZoneListResolver>().TryResolve(zone, zones[zone], out var lists), Is.True);
        return lists!.Scope;
    }

    /// <summary>The host's meter factory, to listen to its instruments only.</summary>
    public IMeterFactory Meters => _app.Services.GetRequiredService<IMeterFactory>();

    public static async Task<TeeProxy> StartAsync(string originUrl)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ScanProxy:Scanner:MaxObjectBytes"] = MaxObjectBytes.ToString(CultureInfo.InvariantCulture),
            ["ScanProxy:Scanner:Timeout"] = ScanTimeout.ToString(),
            ["ScanProxy:Zones:async:Hosts:0"] = "async.test",
            ["ScanProxy:Zones:async:Origins:0"] = originUrl,
            ["ScanProxy:Zones:hold:Hosts:0"] = "hold.test",
            ["ScanProxy:Zones:hold:Origins:0"] = originUrl,
            ["ScanProxy:Zones:hold:Mode"] = "Hold",
            ["ScanProxy:Zones:closed:Hosts:0"] = "closed.test",
            ["ScanProxy:Zones:closed:Origins:0"] = originUrl,
            ["ScanProxy:Zones:closed:Mode"] = "Hold",
            ["ScanProxy:Zones:closed:HoldFailure"] = "FailClosed",
            ["ScanProxy:Zones:closed:BlockStatusCode"] = "410",
            ["ScanProxy:Zones:off:Hosts:0"] = "off.test",
            ["ScanProxy:Zones:off:Origins:0"] = originUrl,
            ["ScanProxy:Zones:off:Scan"] = "false",
        });

        var scanner = new RecordingScanService();
        builder.Services.AddScanProxyZones();
        builder.Services.AddSingleton<BlocklistCache>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IScanService>(scanner);
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<ScanMetrics>();
        builder.Services.AddOptions<ScannerOptions>().Bind(builder.Configuration.GetSection(ScannerOptions.SectionName));
        builder.Services.AddSingleton(new HashListCatalog([], NullLogger<HashListCatalog>.Instance));
        builder.Services.AddSingleton<ZoneListResolver>();
        builder.Services.AddSingleton(new KnownObjectCache(100, TimeProvider.System));
        builder.Services.AddReverseProxy();
        builder.Services.AddSingleton<IProxyConfigProvider, ZoneProxyConfigProvider>();

        var app = builder.Build();
        app.MapReverseProxy(proxy =>
        {
            proxy.UseBlocking();
            proxy.UseScanTee();
        });
        await app.StartAsync();

        // Every zone's blocklist loaded, empty, as the synchroniser would at start.
        var blocklist = app.Services.GetRequiredService<BlocklistCache>();
        foreach (var zone in new[] { "async", "hold", "closed", "off" })
        {
            await blocklist.ReloadAsync(zone, static _ => Task.FromResult<IReadOnlyList<BlockRecord>>([]), CancellationToken.None);
        }

        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(app.Urls.Single()),
            Timeout = TimeSpan.FromSeconds(20),
        };
        return new TeeProxy(app, client, scanner);
    }

    /// <summary>Sends a request to the proxy with this Host header.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string host, string pathAndQuery, Action<HttpRequestMessage>? configure = null, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.Host = host;
        configure?.Invoke(request);
        return await Client.SendAsync(request, completion, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
