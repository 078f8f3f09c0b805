using ScanProxy.Zones;

namespace ScanProxy.Tests.Zones;

public sealed class ZoneSnapshotTests
{
    private static readonly ZoneSnapshot s_snapshot = new(new Dictionary<string, ZoneOptions>
    {
        ["shop"] = new() { Hosts = ["shop.example", "*.shop.example"], Origins = ["http://127.0.0.1:5000"] },
        ["admin-shop"] = new() { Hosts = ["admin.shop.example"], Origins = ["http://127.0.0.1:5001"] },
        ["blog"] = new() { Hosts = ["Blog.Example."], Origins = ["http://127.0.0.1:5002"] },
        ["cdn"] = new() { Hosts = ["*.cdn.example", "203.0.113.7"], Origins = ["http://127.0.0.1:5003"] },
    });

    [TestCase("shop.example", "shop")]
    [TestCase("SHOP.Example", "shop")]
    [TestCase("shop.example:8080", "shop")]
    [TestCase("shop.example.", "shop")]
    [TestCase("shop.example.:80", "shop")]
    [TestCase("www.shop.example", "shop")]
    [TestCase("a.b.c.shop.example", "shop")]
    [TestCase("admin.shop.example", "admin-shop")]
    [TestCase("ADMIN.shop.example:443", "admin-shop")]
    [TestCase("x.admin.shop.example", "shop")]
    [TestCase("blog.example", "blog")]
    [TestCase("img.cdn.example", "cdn")]
    [TestCase("203.0.113.7:8080", "cdn")]
    public void A_host_finds_its_zone(string host, string expected)
    {
        Assert.That(s_snapshot.TryMatchHost(host, out var zone), Is.True);
        Assert.That(zone, Is.EqualTo(expected));
    }

    [TestCase("")]
    [TestCase("example")]
    [TestCase("cdn.example")]
    [TestCase("other.example")]
    [TestCase("shop.example.evil")]
    [TestCase("evilshop.example")]
    [TestCase(".shop.example")]
    [TestCase("a..shop.example")]
    [TestCase("shop.example..")]
    [TestCase("[::1]:8080")]
    public void A_host_of_no_zone_finds_none(string host)
    {
        Assert.That(s_snapshot.TryMatchHost(host, out var zone), Is.False);
        Assert.That(zone, Is.Null);
    }

    [Test]
    public void The_longer_wildcard_wins()
    {
        var snapshot = new ZoneSnapshot(new Dictionary<string, ZoneOptions>
        {
            ["wide"] = new() { Hosts = ["*.example"], Origins = ["http://127.0.0.1:1"] },
            ["narrow"] = new() { Hosts = ["*.shop.example"], Origins = ["http://127.0.0.1:2"] },
        });

        snapshot.TryMatchHost("a.shop.example", out var narrow);
        snapshot.TryMatchHost("a.blog.example", out var wide);

        Assert.That(narrow, Is.EqualTo("narrow"));
        Assert.That(wide, Is.EqualTo("wide"));
    }

    [Test]
    public void Zones_are_found_by_name_in_any_case()
    {
        Assert.That(s_snapshot.Zones.ContainsKey("SHOP"), Is.True);
    }
}
