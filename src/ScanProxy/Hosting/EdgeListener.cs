using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace ScanProxy.Hosting;

/// <summary>
/// The edge listener: Kestrel's endpoints from <c>Kestrel:Endpoints</c> (SPEC §3). Because the admin listener is
/// added in code, Kestrel would ignore <c>--urls</c> and <c>ASPNETCORE_URLS</c>; they are turned into endpoints
/// instead, and with neither, the edge listens on <see cref="DefaultUrl"/>.
/// </summary>
internal static class EdgeListener
{
    /// <summary>Where the edge listens when nothing is configured: loopback only, so a bare start exposes nothing.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>Adds the edge endpoints the configuration implies when <c>Kestrel:Endpoints</c> has none.</summary>
    public static void AddDefaults(IConfigurationManager configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            return;
        }

        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        var list = string.IsNullOrWhiteSpace(urls)
            ? [DefaultUrl]
            : urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var endpoints = new Dictionary<string, string?>();
        for (var i = 0; i < list.Length; i++)
        {
            endpoints[$"Kestrel:Endpoints:Edge{i}:Url"] = list[i];
        }

        configuration.AddInMemoryCollection(endpoints);
    }
}
