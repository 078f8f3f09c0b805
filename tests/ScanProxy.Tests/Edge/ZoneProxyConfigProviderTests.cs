using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using ScanProxy.Edge;
using ScanProxy.Zones;

namespace ScanProxy.Tests.Edge;

public sealed class ZoneProxyConfigProviderTests
{
    [Test]
    public void Each_zone_becomes_a_route_on_its_hosts_and_a_cluster_of_its_origins()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ScanProxy:Zones:shop:Hosts:0"] = "Shop.Example.",
            ["ScanProxy:Zones:shop:Hosts:1"] = "*.shop.example",
            ["ScanProxy:Zones:shop:Origins:0"] = "http://127.0.0.1:5000",
            ["ScanProxy:Zones:shop:Origins:1"] = "https://origin.example/base/",
            ["ScanProxy:Zones:blog:Hosts:0"] = "blog.example",
            ["ScanProxy:Zones:blog:Origins:0"] = "http://127.0.0.1:5001",
        }).Build();
        using var registry = new ZoneRegistry(configuration, NullLogger<ZoneRegistry>.Instance);

        var config = new ZoneProxyConfigProvider(registry).GetConfig();

        var shop = config.Routes.Single(r => r.RouteId == "shop");
        Assert.That(shop.ClusterId, Is.EqualTo("shop"));
        Assert.That(string.Join(" ", shop.Match.Hosts!), Is.EqualTo("shop.example *.shop.example"));
        Assert.That(shop.Match.Path, Is.EqualTo("/{**catch-all}"));
        var cluster = config.Clusters.Single(c => c.ClusterId == "shop");
        Assert.That(string.Join(" ", cluster.Destinations!.Select(d => $"{d.Key}={d.Value.Address}")),
            Is.EqualTo("shop/0=http://127.0.0.1:5000 shop/1=https://origin.example/base/"));
        Assert.That(string.Join(" ", config.Routes.Select(r => r.RouteId).Order()), Is.EqualTo("blog shop"));
    }

    [Test]
    public void A_zone_reload_fires_the_change_token_and_the_next_config_has_the_new_zone()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection().Build();
        using var registry = new ZoneRegistry(configuration, NullLogger<ZoneRegistry>.Instance);
        var provider = new ZoneProxyConfigProvider(registry);
        var first = provider.GetConfig();

        configuration["ScanProxy:Zones:shop:Hosts:0"] = "shop.example";
        configuration["ScanProxy:Zones:shop:Origins:0"] = "http://127.0.0.1:5000";
        configuration.Reload();

        Assert.That(first.Routes, Is.Empty);
        Assert.That(first.ChangeToken.HasChanged, Is.True);
        Assert.That(provider.GetConfig().Routes.Single().RouteId, Is.EqualTo("shop"));
    }
}
