using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Yarp.ReverseProxy.Configuration;

namespace ScanProxy.Edge;

/// <summary>Registers the edge: the proxy, the blocklist and its synchronisation.</summary>
internal static class EdgeServiceCollectionExtensions
{
    /// <summary>
    /// Registers YARP fed by <see cref="ZoneProxyConfigProvider"/>, <see cref="BlocklistCache"/>,
    /// <see cref="BlocklistSynchronizer"/> and <see cref="BlocklistOptions"/> from <c>ScanProxy:Blocklist</c>.
    /// Needs the zones and the store registered too.
    /// </summary>
    public static IServiceCollection AddScanProxyEdge(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<BlocklistOptions>()
            .Bind(configuration.GetSection(BlocklistOptions.SectionName))
            .Validate(o => o.ResyncInterval > TimeSpan.Zero, $"{BlocklistOptions.SectionName}:ResyncInterval must be positive.")
            .Validate(o => o.StartupTimeout >= TimeSpan.Zero, $"{BlocklistOptions.SectionName}:StartupTimeout must not be negative.")
            .ValidateOnStart();
        services.TryAddSingleton<BlocklistCache>();
        services.AddHostedService<BlocklistSynchronizer>();
        services.AddReverseProxy();
        services.TryAddSingleton<IProxyConfigProvider, ZoneProxyConfigProvider>();
        return services;
    }
}
