using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ScanProxy.Admin;
using ScanProxy.Edge;
using ScanProxy.Notifications;
using ScanProxy.Scanning;
using ScanProxy.Scanning.HashLists;
using ScanProxy.Store;
using ScanProxy.Telemetry;
using ScanProxy.Zones;

namespace ScanProxy.Hosting;

/// <summary>Builds the <c>scanproxy serve</c> host: the edge and admin listeners, the proxy, the zones and the store.</summary>
internal static class ScanProxyApplication
{
    private static readonly Dictionary<string, string?> s_logLevels = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",

        // ASP.NET Core starts an Activity and a log scope for every request whenever this category is enabled at any
        // level, and the HttpClient under YARP then starts a second Activity and sends the origin a traceparent that
        // no tracer records. Off, a request costs about 5 % less CPU (benchmarks/README.md, edge load), a client's
        // traceparent reaches the origin as sent, and OTLP tracing still starts both (it listens to their sources).
        // All the category writes is a line at the start and one at the end of each request, at Information level.
        ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "None",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        ["Logging:LogLevel:Yarp"] = "Warning",
    };

    /// <summary>Builds the host; nothing listens until it runs.</summary>
    /// <param name="args">Command-line configuration (<c>--Section:Key=value</c>, <c>--urls</c>, ...).</param>
    /// <param name="configFile">The <c>--config</c> file, or null.</param>
    /// <param name="ownsProcess">
    /// True when the host is all the process does (<c>scanproxy serve</c>): it may then choose the runtime's
    /// process-wide settings (<see cref="SocketCompletions"/>).
    /// </param>
    /// <exception cref="InvalidConfigurationException">The configuration cannot be used; every error names its field.</exception>
    public static WebApplication Create(string[] args, string? configFile, bool ownsProcess = false)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });

        // Below every other source: a proxy must not write a log line per request unless asked to.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = s_logLevels });
        if (configFile is not null)
        {
            var provider = AddConfigurationFile(builder.Configuration, Path.GetFullPath(configFile));
            builder.Services.AddSingleton(provider);
            builder.Services.AddHostedService<ConfigurationFileMonitor>();
        }

        EdgeListener.AddDefaults(builder.Configuration);
        var admin = AdminListener.FromConfiguration(builder.Configuration);
        builder.WebHost.ConfigureKestrel(admin.Listen);

        // Fail fast, before anything starts, with every zone error named.
        ZoneConfiguration.Load(builder.Configuration);

        // Before the host is built: mapping the edge's routes already starts the runtime's socket engine.
        if (ownsProcess)
        {
            SocketCompletions.PreferInline(builder.Configuration);
        }

        builder.Services.AddScanProxyStore(builder.Configuration);
        builder.Services.AddScanProxyZones();
        builder.Services.AddScanProxyEdge(builder.Configuration);
        builder.Services.AddScanProxyHashLists(builder.Configuration);
        builder.Services.AddScanProxyNotifications(builder.Configuration);
        builder.Services.AddScanProxyScanner(builder.Configuration);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, ListenerMatcherPolicy>());

        builder.Services.AddScanProxyAdmin(builder.Configuration);
        var telemetry = builder.Services.AddScanProxyTelemetry(builder.Configuration);
        var app = builder.Build();

        app.UseMiddleware<TrailingDotHostMiddleware>();
        app.UseRouting();
        app.UseMiddleware<NoZoneMiddleware>();
        app.MapScanProxyEdge();

        app.MapScanProxyAdmin();
        app.MapScanProxyMetrics(telemetry);
        return app;
    }

    // The file overrides appsettings*.json and is overridden by environment variables and the command line.
    private static ConfigurationFileProvider AddConfigurationFile(ConfigurationManager configuration, string path)
    {
        var sources = configuration.Sources;
        var index = sources.Count;
        for (var i = sources.Count - 1; i >= 0; i--)
        {
            if (sources[i] is JsonConfigurationSource)
            {
                index = i + 1;
                break;
            }
        }

        sources.Insert(index, new ConfigurationFileSource { Path = path });
        foreach (var provider in ((IConfigurationRoot)configuration).Providers)
        {
            if (provider is ConfigurationFileProvider file)
            {
                return file;
            }
        }

        throw new InvalidOperationException("The configuration file provider was not built.");
    }
}
