using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ScanProxy.Zones;

/// <summary>Registers the zones (SPEC §3).</summary>
internal static class ZonesServiceCollectionExtensions
{
    /// <summary>Registers <see cref="ZoneRegistry"/>, which reads <c>ScanProxy:Zones</c> from the host's configuration.</summary>
    public static IServiceCollection AddScanProxyZones(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ZoneRegistry>();
        return services;
    }
}
