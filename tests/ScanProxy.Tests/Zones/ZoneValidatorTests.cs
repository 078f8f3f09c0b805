using Microsoft.Extensions.Configuration;
using ScanProxy.Hosting;
using ScanProxy.Testing;
using ScanProxy.Zones;

namespace ScanProxy.Tests.Zones;

public sealed class ZoneValidatorTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value)))
            .Build();

    private static IReadOnlyList<ConfigurationError> ErrorsOf(IConfiguration configuration)
    {
        var e = Assert.Throws<InvalidConfigurationException>(() => ZoneConfiguration.Load(configuration));
        return e!.Errors;
    }

    private static string Fields(IReadOnlyList<ConfigurationError> errors) => string.Join("; ", errors.Select(e => e.Field));

    private static (string, string)[] Shop(params (string Key, string Value)[] more) =>
    [
        ("ScanProxy:Zones:shop:Hosts:0", "shop.example"),
        ("ScanProxy:Zones:shop:Origins:0", "http://127.0.0.1:5000"),
        .. more,
    ];

    [Test]
    public void The_example_configuration_loads_as_is()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(TestPaths.RepositoryRoot, "appsettings.example.json"))
            .Build();

        var snapshot = ZoneConfiguration.Load(configuration);

        var shop = snapshot.Zones["shop"];
        Assert.That(string.Join(" ", shop.Hosts), Is.EqualTo("shop.example *.shop.example"));
        Assert.That(string.Join(" ", shop.Origins), Is.EqualTo("http://127.0.0.1:5000"));
        Assert.That(shop.Mode, Is.EqualTo(ZoneMode.Async));
        Assert.That(string.Join(" ", shop.HashLists), Is.EqualTo("known-pdq known-md5"));
        Assert.That(shop.Notify.Webhooks[0].Secret, Is.EqualTo("s3cret"));
        Assert.That(snapshot.TryMatchHost("img.shop.example", out var zone) && zone == "shop", Is.True);
    }

    [Test]
    public void No_zones_is_a_valid_configuration()
    {
        Assert.That(ZoneConfiguration.Load(Configuration()).Zones, Is.Empty);
    }

    [Test]
    public void Omitted_fields_take_the_documented_defaults()
    {
        var zone = ZoneConfiguration.Load(Configuration(Shop())).Zones["shop"];

        Assert.That(zone, Is.EqualTo(new ZoneOptions
        {
            Hosts = ["shop.example"],
            Origins = ["http://127.0.0.1:5000"],
            Scan = true,
            Mode = ZoneMode.Async,
            HoldFailure = HoldFailure.FailOpen,
            MaxDistance = 31,
            MinQuality = 50,
            Action = ZoneAction.Block,
            BlockStatusCode = 451,
            IgnoreQueryString = false,
        }));
    }

    [Test]
    public void Every_field_binds_from_configuration()
    {
        var zone = ZoneConfiguration.Load(Configuration(Shop(
            ("ScanProxy:HashLists:list:Path", "x.csv"),
            ("ScanProxy:Zones:shop:Scan", "false"),
            ("ScanProxy:Zones:shop:Mode", "hold"),
            ("ScanProxy:Zones:shop:HoldFailure", "FailClosed"),
            ("ScanProxy:Zones:shop:HashLists:0", "LIST"),
            ("ScanProxy:Zones:shop:MaxDistance", "0"),
            ("ScanProxy:Zones:shop:MinQuality", "100"),
            ("ScanProxy:Zones:shop:Action", "LogOnly"),
            ("ScanProxy:Zones:shop:BlockStatusCode", "410"),
            ("ScanProxy:Zones:shop:IgnoreQueryString", "true"),
            ("ScanProxy:Zones:shop:Notify:Emails:0", "abuse@shop.example"),
            ("ScanProxy:Zones:shop:Notify:Webhooks:0:Url", "https://hooks.example/x"),
            ("ScanProxy:Zones:shop:Notify:Webhooks:0:Secret", "k")))).Zones["shop"];

        Assert.That(zone.Scan, Is.False);
        Assert.That(zone.Mode, Is.EqualTo(ZoneMode.Hold));
        Assert.That(zone.HoldFailure, Is.EqualTo(HoldFailure.FailClosed));
        Assert.That(string.Join(" ", zone.HashLists), Is.EqualTo("LIST"));
        Assert.That((zone.MaxDistance, zone.MinQuality, zone.BlockStatusCode), Is.EqualTo((0, 100, 410)));
        Assert.That(zone.Action, Is.EqualTo(ZoneAction.LogOnly));
        Assert.That(zone.IgnoreQueryString, Is.True);
        Assert.That(string.Join(" ", zone.Notify.Emails), Is.EqualTo("abuse@shop.example"));
        Assert.That(zone.Notify.Webhooks.Single(), Is.EqualTo(new WebhookOptions { Url = "https://hooks.example/x", Secret = "k" }));
    }

    [Test]
    public void A_zone_without_hosts_names_the_hosts_field()
    {
        var errors = ErrorsOf(Configuration(("ScanProxy:Zones:shop:Origins:0", "http://127.0.0.1:5000")));

        Assert.That(Fields(errors), Is.EqualTo("ScanProxy:Zones:shop:Hosts"));
        Assert.That(errors[0].Message, Does.Contain("at least one host"));
    }

    [Test]
    public void A_zone_without_origins_names_the_origins_field()
    {
        var errors = ErrorsOf(Configuration(("ScanProxy:Zones:shop:Hosts:0", "shop.example")));

        Assert.That(Fields(errors), Is.EqualTo("ScanProxy:Zones:shop:Origins"));
        Assert.That(errors[0].Message, Does.Contain("at least one origin"));
    }

    [Test]
    public void An_empty_zone_is_named()
    {
        var errors = ErrorsOf(Configuration(("ScanProxy:Zones:shop", "")));

        Assert.That(Fields(errors), Is.EqualTo("ScanProxy:Zones:shop"));
    }

    [TestCase("ftp://127.0.0.1/")]
    [TestCase("127.0.0.1:5000")]
    [TestCase("/relative")]
    [TestCase("http://user:pw@127.0.0.1/")]
    [TestCase("http://127.0.0.1/?q=1")]
    [TestCase("not a url")]
    public void An_origin_that_is_not_an_absolute_http_url_is_named_with_its_index(string origin)
    {
        var errors = ErrorsOf(Configuration(Shop(("ScanProxy:Zones:shop:Origins:1", origin))));

        Assert.That(Fields(errors), Is.EqualTo("ScanProxy:Zones:shop:Origins:1"));
        Assert.That(errors[0].Message, Does.Contain(origin).And.Contain("absolute http(s) URL"));
    }

    [Test]
    public void The_same_host_in_two_zones_is_named_in_the_second()
    {
        var errors = ErrorsOf(Configuration(Shop(
            ("ScanProxy:Zones:twin:Hosts:0", "other.example"),
            ("ScanProxy:Zones:twin:Hosts:1", "SHOP.example."),
            ("ScanProxy:Zones:twin:Origins:0", "http://127.0.0.1:5001"))));

        Assert.That(Fields(errors), Is.EqualTo("ScanProxy:Zones:twin:Hosts:1"));
        Assert.That(errors[0].Message, Does.Contain("already a host of zone 'shop'"));
    }

    [Test]
    public void Nested_wildcards_in_two_zones_are_refused()
    {
        var errors = ErrorsOf(Configuration(
            ("ScanProxy:Zones:a:Hosts:0", "*.shop.example"),
            ("ScanProxy:Zones:a:Origins:0", "http://127.0.0.1:5000"),
            ("ScanProxy:Zones:b:Hosts:0", "*.img.shop.example"),
            ("ScanProxy:Zones:b:Origins:0", "http://127.0.0.1:5001")));

        Assert.That(Fields(errors), Is.EqualTo("ScanProxy:Zones:b:Hosts:0"));
        Assert.That(errors[0].Message, Does.Contain("overlaps '*.shop.example'"));
    }

    [Test]
    public void An_exact_host_under_another_zones_wildcard_is_allowed()
    {
        var snapshot = ZoneConfiguration.Load(Configuration(
            ("ScanProxy:Zones:a:Hosts:0", "*.shop.example"),
            ("ScanProxy:Zones:a:Origins:0", "http://127.0.0.1:5000"),
            ("ScanProxy:Zones:b:Hosts:0", "img.shop.example"),
            ("ScanProxy:Zones:b:Origins:0", "http://127.0.0.1:5001")));

        Assert.That(snapshot.TryMatchHost("img.shop.example", out var zone) && zone == "b", Is.True);
    }

    [TestCase("shop.example:8080")]
    [TestCase("http://shop.example")]
    [TestCase("shop.example/path")]
    [TestCase("*")]
    [TestCase("a.*.example")]
    [TestCase("sh op.example")]
    [TestCase("[::1]")]
    [TestCase("")]
    public void A_host_that_is_not_a_host_name_is_named(string host)
    {
        var errors = ErrorsOf(Configuration(Shop(("ScanProxy:Zones:shop:Hosts:1", host))));

        Assert.That(Fields(errors), Is.EqualTo("ScanProxy:Zones:shop:Hosts:1"));
        Assert.That(errors[0].Message, Does.Contain("is not a host name"));
    }

    [Test]
    public void An_unknown_hash_list_is_named_with_the_known_ones()
    {
        var errors = ErrorsOf(Configuration(Shop(
            ("ScanProxy:HashLists:known-pdq:Path", "a.csv"),
            ("ScanProxy:HashLists:known-md5:Path", "b.txt"),
            ("ScanProxy:Zones:shop:HashLists:0", "known-pdq"),
            ("ScanProxy:Zones:shop:HashLists:1", "typo"))));

        Assert.That(Fields(errors), Is.EqualTo("ScanProxy:Zones:shop:HashLists:1"));
        Assert.That(errors[0].Message, Is.EqualTo("'typo' is not a hash list (known: known-md5, known-pdq)."));
    }

    [Test]
    public void A_hash_list_named_when_none_is_configured_says_so()
    {
        var errors = ErrorsOf(Configuration(Shop(("ScanProxy:Zones:shop:HashLists:0", "known-pdq"))));

        Assert.That(errors[0].Message, Does.Contain("none is configured under ScanProxy:HashLists"));
    }

    [TestCase("-1")]
    [TestCase("129")]
    [TestCase("256")]
    public void MaxDistance_outside_0_to_128_is_named(string value)
    {
        var errors = ErrorsOf(Configuration(Shop(("ScanProxy:Zones:shop:MaxDistance", value))));

        Assert.That(Fields(errors), Is.EqualTo("ScanProxy:Zones:shop:MaxDistance"));
        Assert.That(errors[0].Message, Is.EqualTo($"must be between 0 and 128; it is {value}."));
    }

    [TestCase("0")]
    [TestCase("128")]
    public void MaxDistance_at_the_bounds_is_accepted(string value)
    {
        Assert.That(ZoneConfiguration.Load(Configuration(Shop(("ScanProxy:Zones:shop:MaxDistance", value)))).Zones["shop"].MaxDistance, Is.EqualTo(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [TestCase("MinQuality", "101")]
    [TestCase("BlockStatusCode", "200")]
    [TestCase("BlockStatusCode", "600")]
    [TestCase("Mode", "7")]
    [TestCase("Action", "3")]
    [TestCase("HoldFailure", "9")]
    [TestCase("Notify:Emails:0", "not-an-address")]
    [TestCase("Notify:Webhooks:0:Url", "ftp://hooks.example")]
    public void Other_out_of_range_fields_are_named(string field, string value)
    {
        var errors = ErrorsOf(Configuration(Shop(($"ScanProxy:Zones:shop:{field}", value))));

        Assert.That(Fields(errors), Is.EqualTo($"ScanProxy:Zones:shop:{field}"));
    }

    [TestCase("MaxDistance", "far")]
    [TestCase("Mode", "Sometimes")]
    [TestCase("Scan", "maybe")]
    public void A_value_of_the_wrong_type_is_named(string field, string value)
    {
        var errors = ErrorsOf(Configuration(Shop(($"ScanProxy:Zones:shop:{field}", value))));

        Assert.That(Fields(errors), Is.EqualTo("ScanProxy:Zones:shop"));
        Assert.That(errors[0].Message, Does.Contain($"ScanProxy:Zones:shop:{field}").And.Contain(value));
    }

    [Test]
    public void A_zone_name_unfit_for_store_keys_is_refused()
    {
        var errors = ErrorsOf(Configuration(
            ("ScanProxy:Zones:sh{op}:Hosts:0", "shop.example"),
            ("ScanProxy:Zones:sh{op}:Origins:0", "http://127.0.0.1:5000")));

        Assert.That(Fields(errors), Is.EqualTo("ScanProxy:Zones:sh{op}"));
    }

    [Test]
    public void Every_error_of_every_zone_is_reported_at_once()
    {
        var errors = ErrorsOf(Configuration(
            ("ScanProxy:Zones:a:Hosts:0", "a.example"),
            ("ScanProxy:Zones:a:MaxDistance", "500"),
            ("ScanProxy:Zones:b:Origins:0", "gopher://x")));

        Assert.That(Fields(errors), Is.EqualTo("ScanProxy:Zones:a:Origins; ScanProxy:Zones:a:MaxDistance; ScanProxy:Zones:b:Hosts; ScanProxy:Zones:b:Origins:0"));
    }

    [Test]
    public void The_exception_message_lists_every_field()
    {
        var e = Assert.Throws<InvalidConfigurationException>(() => ZoneConfiguration.Load(Configuration(("ScanProxy:Zones:a:Hosts:0", "a.example"))));

        Assert.That(e!.Message, Does.Contain("ScanProxy:Zones:a:Origins: a zone needs at least one origin."));
    }
}
