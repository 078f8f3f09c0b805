using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ScanProxy.Store;

/// <summary>Registers the store (SPEC §8).</summary>
internal static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="StoreOptions"/> from <c>ScanProxy:Store</c> and <see cref="IScanProxyStore"/> as a
    /// singleton: against <c>Store.Redis</c> when it is set, else against an <see cref="EmbeddedStoreServer"/>
    /// started on first use. The container disposes both, the store first, so the server's file is flushed last.
    /// </summary>
    public static IServiceCollection AddScanProxyStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);

        // Resolved only when Store.Redis is empty, so a Redis deployment never starts Garnet.
        services.TryAddSingleton(provider => EmbeddedStoreServer.Start(
            provider.GetRequiredService<IOptions<StoreOptions>>().Value.DataDirectory,
            provider.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton<IScanProxyStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<StoreOptions>>().Value;
            var redis = options.IsEmbedded
                ? provider.GetRequiredService<EmbeddedStoreServer>().Configuration
                : options.Redis;
            return RedisScanProxyStore.Connect(
                redis,
                options.KeyPrefix,
                provider.GetRequiredService<ILogger<RedisScanProxyStore>>(),
                provider.GetRequiredService<TimeProvider>());
        });
        return services;
    }
}
