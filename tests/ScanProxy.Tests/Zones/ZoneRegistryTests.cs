using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using ScanProxy.Hosting;
using ScanProxy.Zones;

namespace ScanProxy.Tests.Zones;

public sealed class ZoneRegistryTests
{
    private static IConfigurationRoot Shop() => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ScanProxy:Zones:shop:Hosts:0"] = "shop.example",
            ["ScanProxy:Zones:shop:Origins:0"] = "http://127.0.0.1:5000",
        })
        .Build();

    [Test]
    public void An_invalid_configuration_fails_at_construction()
    {
        var configuration = Shop();
        configuration["ScanProxy:Zones:shop:MaxDistance"] = "300";

        var e = Assert.Throws<InvalidConfigurationException>(() => new ZoneRegistry(configuration, NullLogger<ZoneRegistry>.Instance));

        Assert.That(e!.Errors.Single().Field, Is.EqualTo("ScanProxy:Zones:shop:MaxDistance"));
    }

    [Test]
    public void A_valid_change_is_swapped_in_and_announced()
    {
        var configuration = Shop();
        using var registry = new ZoneRegistry(configuration, NullLogger<ZoneRegistry>.Instance);
        var before = registry.Current;
        var token = registry.GetReloadToken();

        configuration["ScanProxy:Zones:blog:Hosts:0"] = "blog.example";
        configuration["ScanProxy:Zones:blog:Origins:0"] = "http://127.0.0.1:5001";
        configuration.Reload();

        Assert.That(token.HasChanged, Is.True);
        Assert.That(registry.Current, Is.Not.SameAs(before));
        Assert.That(registry.Current.TryMatchHost("blog.example", out var zone) && zone == "blog", Is.True);
        Assert.That(before.Zones.ContainsKey("blog"), Is.False);
    }

    [Test]
    public void An_invalid_change_is_rejected_and_the_last_good_zones_stay()
    {
        var configuration = Shop();
        using var registry = new ZoneRegistry(configuration, NullLogger<ZoneRegistry>.Instance);
        var before = registry.Current;
        var token = registry.GetReloadToken();

        configuration["ScanProxy:Zones:shop:Origins:0"] = "not a url";
        configuration.Reload();

        Assert.That(token.HasChanged, Is.False);
        Assert.That(registry.Current, Is.SameAs(before));
        Assert.That(registry.Current.Zones["shop"].Origins[0], Is.EqualTo("http://127.0.0.1:5000"));
    }

    [Test]
    public void A_reload_that_changes_no_zone_keeps_the_snapshot()
    {
        var configuration = Shop();
        using var registry = new ZoneRegistry(configuration, NullLogger<ZoneRegistry>.Instance);
        var before = registry.Current;
        var token = registry.GetReloadToken();

        configuration["ScanProxy:Scanner:Workers"] = "4";
        configuration.Reload();

        Assert.That(token.HasChanged, Is.False);
        Assert.That(registry.Current, Is.SameAs(before));
    }

    [Test]
    public void A_changed_field_of_a_zone_is_a_change()
    {
        var configuration = Shop();
        using var registry = new ZoneRegistry(configuration, NullLogger<ZoneRegistry>.Instance);

        configuration["ScanProxy:Zones:shop:Hosts:1"] = "www.shop.example";
        configuration.Reload();

        Assert.That(registry.Current.Zones["shop"].Hosts, Has.Count.EqualTo(2));
    }
}
