using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ScanProxy.Admin;

/// <summary>Registers the admin API.</summary>
internal static class AdminServiceCollectionExtensions
{
    /// <summary>Adds the admin API's options, key check and OpenAPI document.</summary>
    public static IServiceCollection AddScanProxyAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AdminOptions>(configuration.GetSection(AdminOptions.SectionName));
        services.AddSingleton<ApiKeyVerifier>();
        services.AddSingleton<ApiKeyFilter>();
        services.AddOpenApi("v1");
        services.AddProblemDetails();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
