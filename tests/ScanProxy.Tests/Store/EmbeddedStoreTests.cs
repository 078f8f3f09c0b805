using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ScanProxy.Store;
using ScanProxy.Testing;

namespace ScanProxy.Tests.Store;

[NonParallelizable]
public sealed class EmbeddedStoreTests
{
    private static readonly DateTimeOffset s_t0 = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private string _dataDirectory = null!;

    [SetUp]
    public void NewDataDirectory() => _dataDirectory = Path.Combine(Path.GetTempPath(), "scanproxy-data-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void DeleteDataDirectory()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Test]
    public async Task Data_written_to_the_embedded_store_is_there_after_a_restart_on_the_same_directory()
    {
        var block = new BlockRecord("shop", "https://shop.example/a.jpg", "detection:d1", s_t0, new string('a', 64));
        await using (var services = BuildServices(redis: ""))
        {
            var store = services.GetRequiredService<IScanProxyStore>();
            await store.BlockAsync(block);
            await store.BlockAsync(block with { Url = "https://shop.example/b.jpg" });
            await store.UnblockAsync("shop", "https://shop.example/b.jpg");
            await store.SetVerdictAsync(new string('a', 64), new ScanVerdict("match", s_t0, "d1"));
        }

        await using (var services = BuildServices(redis: ""))
        {
            var store = services.GetRequiredService<IScanProxyStore>();
            Assert.That(await store.GetBlocksAsync("shop"), Is.EqualTo((BlockRecord[])[block]));
            Assert.That(await store.GetVerdictAsync(new string('a', 64)), Is.EqualTo(new ScanVerdict("match", s_t0, "d1")));
        }

        Assert.That(Directory.EnumerateFiles(Path.Combine(_dataDirectory, "store"), "*", SearchOption.AllDirectories), Is.Not.Empty, "the files live in DataDirectory/store");
    }

    [Test]
    public async Task A_second_embedded_store_on_a_directory_in_use_is_refused_with_a_clear_error()
    {
        await using var first = EmbeddedStoreServer.Start(_dataDirectory, NullLoggerFactory.Instance);

        var error = Assert.Throws<IOException>(() => EmbeddedStoreServer.Start(_dataDirectory, NullLoggerFactory.Instance));
        Assert.That(error!.Message, Does.Contain("in use by another ScanProxy process").And.Contain("DataDirectory"));
    }

    [Test]
    public async Task With_Store_Redis_set_the_store_uses_that_server_and_starts_no_embedded_one()
    {
        using var redis = RedisServer.StartNew();
        await using (var services = BuildServices(redis.Configuration))
        {
            var store = services.GetRequiredService<IScanProxyStore>();
            await store.BlockAsync(new BlockRecord("shop", "https://shop.example/a.jpg", "manual", s_t0));
        }

        Assert.That(Directory.Exists(_dataDirectory), Is.False, "no embedded store was started");
        await using (var services = BuildServices(redis.Configuration))
        {
            var blocks = await services.GetRequiredService<IScanProxyStore>().GetBlocksAsync("shop");
            Assert.That(blocks.Select(b => b.Url), Is.EqualTo((string[])["https://shop.example/a.jpg"]));
        }
    }

    [TestCase("scan{proxy}:")]
    [TestCase("a}")]
    public void A_key_prefix_with_braces_is_refused_naming_the_setting(string prefix)
    {
        var error = Assert.Throws<ArgumentException>(() => RedisScanProxyStore.Connect("127.0.0.1:1", prefix, NullLogger.Instance, TimeProvider.System));
        Assert.That(error!.Message, Does.Contain("KeyPrefix"));
    }

    [TestCase("localhost:6379,nosuchkeyword=1")]
    [TestCase(",")]
    public void A_bad_redis_configuration_string_is_refused_naming_the_setting(string configuration)
    {
        var error = Assert.Throws<ArgumentException>(() => RedisScanProxyStore.Connect(configuration, "scanproxy:", NullLogger.Instance, TimeProvider.System));
        Assert.That(error!.Message, Does.Contain("ScanProxy:Store:Redis"));
    }

    private ServiceProvider BuildServices(string redis)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ScanProxy:Store:Redis"] = redis,
                ["ScanProxy:Store:KeyPrefix"] = "it:",
                ["ScanProxy:Store:DataDirectory"] = _dataDirectory,
            })
            .Build();
        return new ServiceCollection()
            .AddLogging()
            .AddScanProxyStore(configuration)
            .BuildServiceProvider();
    }
}
