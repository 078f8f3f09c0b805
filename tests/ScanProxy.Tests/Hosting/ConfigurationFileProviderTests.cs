using Microsoft.Extensions.Configuration;
using ScanProxy.Hosting;

namespace ScanProxy.Tests.Hosting;

public sealed class ConfigurationFileProviderTests
{
    private string _directory = null!;
    private string _path = null!;

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Directory.CreateTempSubdirectory("scanproxy-config-").FullName;
        _path = Path.Combine(_directory, "scanproxy.json");
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private IConfigurationRoot Build() =>
        new ConfigurationBuilder().Add(new ConfigurationFileSource { Path = _path }).Build();

    // Resolves when the provider has reloaded, or fails the test after five seconds.
    private static async Task ReloadedAsync(IConfigurationRoot configuration, Action change)
    {
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = configuration.GetReloadToken().RegisterChangeCallback(_ => reloaded.TrySetResult(), null);
        change();
        await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private static ConfigurationFileProvider ProviderOf(IConfigurationRoot configuration) =>
        configuration.Providers.OfType<ConfigurationFileProvider>().Single();

    [Test]
    public void The_file_is_read()
    {
        File.WriteAllText(_path, """{ "ScanProxy": { "Zones": { "shop": { "Hosts": [ "shop.example" ] } } } }""");

        using var configuration = (IDisposable)Build();

        Assert.That(((IConfiguration)configuration)["ScanProxy:Zones:shop:Hosts:0"], Is.EqualTo("shop.example"));
    }

    [Test]
    public void A_missing_file_at_start_is_named()
    {
        var e = Assert.Throws<InvalidConfigurationException>(() => Build());

        Assert.That(e!.Errors.Single().Field, Is.EqualTo(_path));
    }

    [Test]
    public void Bad_json_at_start_is_named_with_its_position()
    {
        File.WriteAllText(_path, "{ \"ScanProxy\": { \"Zones\": ,, } }");

        var e = Assert.Throws<InvalidConfigurationException>(() => Build());

        Assert.That(e!.Errors.Single().Field, Is.EqualTo(_path));
        Assert.That(e.Errors.Single().Message, Does.Contain("LineNumber"));
    }

    [Test]
    public async Task A_changed_file_is_reloaded()
    {
        File.WriteAllText(_path, """{ "A": "1" }""");
        var configuration = Build();

        await ReloadedAsync(configuration, () => File.WriteAllText(_path, """{ "A": "2" }"""));

        Assert.That(configuration["A"], Is.EqualTo("2"));
        Assert.That(ProviderOf(configuration).LastError, Is.Null);
        ((IDisposable)configuration).Dispose();
    }

    [Test]
    public async Task A_change_to_bad_json_keeps_the_last_good_values_and_says_why()
    {
        File.WriteAllText(_path, """{ "A": "1" }""");
        var configuration = Build();

        await ReloadedAsync(configuration, () => File.WriteAllText(_path, """{ "A": """));

        Assert.That(configuration["A"], Is.EqualTo("1"));
        Assert.That(ProviderOf(configuration).LastError, Does.Contain("JSON"));
        ((IDisposable)configuration).Dispose();
    }

    [Test]
    public async Task A_deleted_file_keeps_the_last_good_values()
    {
        File.WriteAllText(_path, """{ "A": "1" }""");
        var configuration = Build();

        await ReloadedAsync(configuration, () => File.Delete(_path));

        Assert.That(configuration["A"], Is.EqualTo("1"));
        Assert.That(ProviderOf(configuration).LastError, Is.Not.Null);
        ((IDisposable)configuration).Dispose();
    }
}
