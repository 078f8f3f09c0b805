using Microsoft.Extensions.Configuration;
using ScanProxy.Hosting;

namespace ScanProxy.Tests.Hosting;

public sealed class AdminListenerTests
{
    private static IConfiguration WithUrl(string? url) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [AdminListener.UrlKey] = url })
        .Build();

    [TestCase(null, 9090)]
    [TestCase("", 9090)]
    [TestCase("http://127.0.0.1:9191", 9191)]
    [TestCase("http://[::1]:9192", 9192)]
    [TestCase("http://localhost:9193", 9193)]
    [TestCase("http://*:9194", 9194)]
    [TestCase("http://+:9195", 9195)]
    [TestCase("http://0.0.0.0:9196/", 9196)]
    public void An_admin_url_gives_its_port(string? url, int port)
    {
        Assert.That(AdminListener.FromConfiguration(WithUrl(url)).Port, Is.EqualTo(port));
    }

    [TestCase("https://127.0.0.1:9090")]
    [TestCase("127.0.0.1:9090")]
    [TestCase("http://admin.internal:9090")]
    [TestCase("http://127.0.0.1:9090/admin")]
    [TestCase("not a url")]
    public void An_unusable_admin_url_is_named(string url)
    {
        var e = Assert.Throws<InvalidConfigurationException>(() => AdminListener.FromConfiguration(WithUrl(url)));

        Assert.That(e!.Errors.Single().Field, Is.EqualTo("ScanProxy:Admin:Url"));
    }
}
