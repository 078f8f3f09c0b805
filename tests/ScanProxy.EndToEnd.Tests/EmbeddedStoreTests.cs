using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using ScanProxy.EndToEnd.Tests.Infrastructure;
using ScanProxy.Store;

namespace ScanProxy.EndToEnd.Tests;

/// <summary>Without Redis, the proxy keeps its blocklist in the embedded store's files across restarts (SPEC §8).</summary>
public sealed class EmbeddedStoreTests
{
    private const string Key = "embedded-test-key-0123456789";

    [Test]
    public async Task Blocks_in_the_embedded_store_survive_restarts_of_the_proxy()
    {
        await using var origin = await TestOrigin.StartAsync();
        var directory = Directory.CreateTempSubdirectory("scanproxy-e2e-embedded-").FullName;
        try
        {
            // Written by an earlier run on the same data directory ("data" under the working directory).
            await using (var server = EmbeddedStoreServer.Start(Path.Combine(directory, "data"), NullLoggerFactory.Instance))
            await using (var store = RedisScanProxyStore.Connect(server.Configuration, "scanproxy:", NullLogger.Instance, TimeProvider.System))
            {
                await store.BlockAsync("shop", "http://shop.example/img/persisted.jpg");
            }

            var configuration = JsonNode.Parse($$"""
                {
                  "ScanProxy": {
                    "Admin": { "ApiKeys": [ "{{Key}}" ] },
                    "Zones": { "shop": { "Hosts": [ "shop.example" ], "Origins": [ "{{origin.Url}}" ] } }
                  }
                }
                """)!.AsObject();
            await using (var first = await ProxyProcess.StartAsync(configuration, directory))
            {
                Assert.That(await first.StatusAsync("shop.example", "/img/persisted.jpg"), Is.EqualTo(451), first.Output);
                Assert.That(await first.StatusAsync("shop.example", "/img/other.jpg"), Is.EqualTo(200));

                // Blocked through this process's own admin API, so through its embedded store.
                Assert.That(await first.BlockAsync(Key, "shop", "http://shop.example/img/admin.jpg"), Is.EqualTo(201));
                Assert.That(await first.StatusAsync("shop.example", "/img/admin.jpg"), Is.EqualTo(451));

                Assert.That(await first.StopAsync(), Is.Zero, "exit code after SIGTERM");
            }

            await using var second = await ProxyProcess.StartAsync(configuration, directory);
            Assert.That(await second.StatusAsync("shop.example", "/img/persisted.jpg"), Is.EqualTo(451), second.Output);
            Assert.That(await second.StatusAsync("shop.example", "/img/admin.jpg"), Is.EqualTo(451), second.Output);
            Assert.That(origin.CountRequests("persisted.jpg") + origin.CountRequests("admin.jpg"), Is.Zero);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
