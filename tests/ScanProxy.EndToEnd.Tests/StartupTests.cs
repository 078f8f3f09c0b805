using System.Net;
using System.Net.Sockets;
using ScanProxy.EndToEnd.Tests.Infrastructure;
using ScanProxy.Testing;

namespace ScanProxy.EndToEnd.Tests;

/// <summary><c>scanproxy serve</c> starts from the usual sources, or fails fast naming what is wrong (SPEC §2, §3).</summary>
public sealed class StartupTests
{
    private const string Shop = """ "Hosts": [ "shop.example" ], "Origins": [ "http://127.0.0.1:5000" ] """;

    [TestCase("""{ "shop": { "Origins": [ "http://127.0.0.1:5000" ] } }""", "ScanProxy:Zones:shop:Hosts", TestName = "A zone without hosts")]
    [TestCase("""{ "shop": { "Hosts": [ "shop.example" ] } }""", "ScanProxy:Zones:shop:Origins", TestName = "A zone without origins")]
    [TestCase("""{ "a": { "Hosts": [ "shop.example" ], "Origins": [ "http://127.0.0.1:1" ] }, "b": { "Hosts": [ "SHOP.example" ], "Origins": [ "http://127.0.0.1:2" ] } }""", "ScanProxy:Zones:b:Hosts:0", TestName = "The same host in two zones")]
    [TestCase("""{ "shop": { "Hosts": [ "shop.example" ], "Origins": [ "ftp://127.0.0.1/" ] } }""", "ScanProxy:Zones:shop:Origins:0", TestName = "An origin that is not an http URL")]
    [TestCase("""{ "shop": { "Hosts": [ "shop.example" ], "Origins": [ "127.0.0.1:5000" ] } }""", "ScanProxy:Zones:shop:Origins:0", TestName = "An origin that is not absolute")]
    [TestCase("""{ "shop": { "Hosts": [ "shop.example" ], "Origins": [ "http://127.0.0.1:5000" ], "HashLists": [ "nope" ] } }""", "ScanProxy:Zones:shop:HashLists:0", TestName = "An unknown hash list")]
    [TestCase("""{ "shop": { "Hosts": [ "shop.example" ], "Origins": [ "http://127.0.0.1:5000" ], "MaxDistance": 129 } }""", "ScanProxy:Zones:shop:MaxDistance", TestName = "MaxDistance above 128")]
    [TestCase("""{ "shop": { "Hosts": [ "shop.example" ], "Origins": [ "http://127.0.0.1:5000" ], "MaxDistance": -1 } }""", "ScanProxy:Zones:shop:MaxDistance", TestName = "MaxDistance below 0")]
    public async Task A_bad_configuration_fails_fast_naming_the_field(string zones, string field)
    {
        var (exitCode, _, stderr) = await ProxyProcess.RunToExitAsync(["serve", "--config", "scanproxy.json"], $$"""{ "ScanProxy": { "Zones": {{zones}} } }""");

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain($"configuration error: {field}:"));
    }

    [Test]
    public async Task An_admin_url_that_cannot_be_used_fails_fast_naming_the_field()
    {
        var (exitCode, _, stderr) = await ProxyProcess.RunToExitAsync(
            ["serve", "--config", "scanproxy.json"],
            $$"""{ "ScanProxy": { "Admin": { "Url": "https://127.0.0.1:9090" }, "Zones": { "shop": { {{Shop}} } } } }""");

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("configuration error: ScanProxy:Admin:Url:"));
    }

    [Test]
    public async Task A_missing_config_file_fails_fast_naming_it()
    {
        var (exitCode, _, stderr) = await ProxyProcess.RunToExitAsync(["serve", "--config", "missing.json"]);

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("missing.json"));
    }

    [Test]
    public async Task A_config_file_that_is_not_json_fails_fast_saying_where()
    {
        var (exitCode, _, stderr) = await ProxyProcess.RunToExitAsync(["serve", "--config", "scanproxy.json"], """{ "ScanProxy": { "Zones": { ,, """);

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("scanproxy.json").And.Contain("LineNumber"));
    }

    [Test]
    public async Task Config_without_a_file_is_a_usage_error()
    {
        var (exitCode, _, stderr) = await ProxyProcess.RunToExitAsync(["serve", "--config"]);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("--config needs a FILE"));
    }

    [Test]
    public async Task Help_prints_the_usage()
    {
        var (exitCode, stdout, _) = await ProxyProcess.RunToExitAsync(["serve", "--help"]);

        Assert.That(exitCode, Is.Zero);
        Assert.That(stdout, Does.Contain("Usage: scanproxy serve [--config FILE]"));
    }

    [Test]
    public async Task A_listener_port_in_use_fails_fast()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, _, stderr) = await ProxyProcess.RunToExitAsync(
            ["serve", "--config", "scanproxy.json"],
            $$"""{ "Kestrel": { "Endpoints": { "Edge": { "Url": "http://127.0.0.1:{{FreePort.Next()}}" } } }, "ScanProxy": { "Admin": { "Url": "http://127.0.0.1:{{port}}" } } }""");

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("cannot listen"));
    }

    [Test]
    public async Task The_example_configuration_loads_as_is_and_the_command_line_overrides_it()
    {
        await using var origin = await TestOrigin.StartAsync();
        await using var proxy = await ProxyProcess.StartWithEnvironmentAsync(
            ["serve", "--config", Path.Combine(TestPaths.RepositoryRoot, "appsettings.example.json"), $"--ScanProxy:Zones:shop:Origins:0={origin.Url}"],
            new Dictionary<string, string>());

        using var response = await proxy.GetAsync("www.shop.example", "/from-the-example");

        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("origin saw GET /from-the-example"));
    }

    [Test]
    public async Task Scanproxy_alone_starts_with_no_zones_and_answers_404()
    {
        await using var proxy = await ProxyProcess.StartWithEnvironmentAsync([], new Dictionary<string, string>());

        using var response = await proxy.GetAsync("shop.example", "/");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Environment_variables_configure_a_zone()
    {
        await using var origin = await TestOrigin.StartAsync();
        await using var proxy = await ProxyProcess.StartWithEnvironmentAsync([], new Dictionary<string, string>
        {
            ["ScanProxy__Zones__shop__Hosts__0"] = "shop.example",
            ["ScanProxy__Zones__shop__Origins__0"] = origin.Url,
        });

        using var response = await proxy.GetAsync("shop.example", "/from-the-environment");

        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("origin saw GET /from-the-environment"));
    }
}
