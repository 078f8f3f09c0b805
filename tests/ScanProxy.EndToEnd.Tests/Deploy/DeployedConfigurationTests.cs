using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ScanProxy.EndToEnd.Tests.Infrastructure;
using ScanProxy.Testing;

namespace ScanProxy.EndToEnd.Tests.Deploy;

/// <summary>
/// The configurations deploy/ gives the nodes (compose's scanproxy.json, the Kubernetes ConfigMap's) load in a real
/// scanproxy process and make it ready, with only what the deployment supplies replaced: the listeners (loopback,
/// free ports), the Redis address (a test redis-server) and the hash-list file (the compose demo list).
/// </summary>
public sealed class DeployedConfigurationTests
{
    private const string ApiKey = "e2e-deploy-key";

    private RedisServer _redis = null!;

    [OneTimeSetUp]
    public void StartRedis() => _redis = RedisServer.StartNew();

    [OneTimeTearDown]
    public void StopRedis() => _redis.Dispose();

    [Test]
    public async Task The_compose_configuration_loads_and_the_node_becomes_ready_with_the_demo_zone()
    {
        var configuration = DeployFiles.ReadJson("compose/scanproxy.json");
        var zones = await StartAndListZonesAsync(DeployFiles.PathOf(Path.Combine("compose", "scanproxy.json")), configuration);

        Assert.That(zones, Is.EqualTo(new[] { "demo" }));
    }

    [Test]
    public async Task The_configmap_configuration_loads_and_the_node_becomes_ready_with_its_zone()
    {
        var configuration = KubernetesTests.ConfigMapConfiguration();
        var file = Path.Combine(Path.GetTempPath(), $"scanproxy-e2e-configmap-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, configuration.ToJsonString());
        try
        {
            var zones = await StartAndListZonesAsync(file, configuration);

            Assert.That(zones, Is.EqualTo(new[] { "shop" }));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<List<string>> StartAndListZonesAsync(string configFile, JsonNode configuration)
    {
        var environment = new Dictionary<string, string>
        {
            ["ScanProxy__Store__Redis"] = _redis.Configuration,
            ["ScanProxy__Store__KeyPrefix"] = $"e2e-{Guid.NewGuid():N}:",
            ["ScanProxy__Admin__ApiKeys__0"] = ApiKey,
        };
        foreach (var (list, _) in configuration["ScanProxy"]!["HashLists"]!.AsObject())
        {
            environment[$"ScanProxy__HashLists__{list}__Path"] = DeployFiles.PathOf(Path.Combine("compose", "hashlists", "demo-pdq.csv"));
        }

        await using var proxy = await ProxyProcess.StartWithEnvironmentAsync(["serve", "--config", configFile], environment);
        await Eventually.TrueAsync(async () => (await proxy.AdminClient.GetAsync("/readyz")).IsSuccessStatusCode, TimeSpan.FromSeconds(20), $"the node on {configFile} to be ready", TimeSpan.FromMilliseconds(100));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/zones");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        using var response = await proxy.AdminClient.SendAsync(request);
        var zones = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        return [.. zones.Select(z => (string)z!["name"]!)];
    }
}
