using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ScanProxy.Scanning;

/// <summary>Registers the scanner (issue 6).</summary>
internal static class ScannerServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ScannerOptions"/> from <c>ScanProxy:Scanner</c> (validated at start), the origin fetch client,
    /// the pipeline, and <see cref="ScanService"/> as <see cref="IScanService"/> and as a hosted service. Needs the
    /// zones, the store, the hash lists and the notifications registered too.
    /// </summary>
    public static IServiceCollection AddScanProxyScanner(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<ScannerOptions>().Bind(configuration.GetSection(ScannerOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScannerOptions>, ScannerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // The object as the origin has it: no redirects followed, no decompression (the pipeline undoes
        // Content-Encoding itself, within MaxObjectBytes), no proxy (as YARP reaches origins). Scanner:Timeout is the one clock.
        services.AddHttpClient(OriginFetcher.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                UseProxy = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });

        services.TryAddSingleton<OriginFetcher>();
        services.TryAddSingleton<ScanMetrics>();
        services.TryAddSingleton<ZoneListResolver>();
        services.TryAddSingleton(provider => new VerdictCache(provider.GetRequiredService<IOptions<ScannerOptions>>().Value.VerdictCacheCapacity));
        services.TryAddSingleton(provider => new KnownObjectCache(
            provider.GetRequiredService<IOptions<ScannerOptions>>().Value.VerdictCacheCapacity,
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<DetectionRecorder>();
        services.TryAddSingleton<ScanPipeline>();
        services.TryAddSingleton<ScanService>();
        services.TryAddSingleton<IScanService>(provider => provider.GetRequiredService<ScanService>());
        services.AddHostedService(provider => provider.GetRequiredService<ScanService>());
        return services;
    }
}
