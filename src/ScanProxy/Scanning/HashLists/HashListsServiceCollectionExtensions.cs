using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ScanProxy.Matching;

namespace ScanProxy.Scanning.HashLists;

/// <summary>Registers the hash lists (SPEC §3, §5).</summary>
internal static class HashListsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="HashListCatalog"/> of the lists in <c>ScanProxy:HashLists</c> and the <see cref="HashListLoader"/>
    /// that loads them when the host starts and re-applies the section when it changes. A definition that cannot be
    /// used (no path, unknown kind) throws <see cref="Hosting.InvalidConfigurationException"/> when the host starts.
    /// </summary>
    public static IServiceCollection AddScanProxyHashLists(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(provider => new HashListCatalog(
            HashListConfiguration.Load(configuration, provider.GetRequiredService<IHostEnvironment>().ContentRootPath),
            provider.GetRequiredService<ILogger<HashListCatalog>>()));
        services.AddHostedService(provider => new HashListLoader(
            provider.GetRequiredService<HashListCatalog>(),
            configuration,
            provider.GetRequiredService<IHostEnvironment>(),
            provider.GetRequiredService<ILogger<HashListLoader>>()));
        return services;
    }
}
