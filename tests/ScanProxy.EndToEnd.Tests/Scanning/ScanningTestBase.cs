using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using ScanProxy.EndToEnd.Tests.Infrastructure;
using ScanProxy.Store;
using ScanProxy.Testing;
using ScanProxy.Tests.Scanning;

namespace ScanProxy.EndToEnd.Tests.Scanning;

/// <summary>
/// What the scanning end-to-end tests share: a real redis-server and a real origin for the fixture, and for each
/// test its own proxy process (zone "shop" in front of the origin), its own key prefix and hash-list files, and a
/// store client of its own to look at what the proxy recorded.
/// </summary>
public abstract class ScanningTestBase
{
    protected const string Host = "shop.example";
    protected const string Zone = "shop";
    protected const string ApiKey = "e2e-scanning-key";

    /// <summary>How long a scan, a deferral and a block may take to show on a busy machine.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private RedisServer _redis = null!;
    private RedisScanProxyStore? _store;
    private ProxyProcess? _proxy;
    private string _keyPrefix = "";

    internal PhotoOrigin Origin { get; private set; } = null!;

    /// <summary>Where the test's hash-list files are.</summary>
    protected string ListDirectory { get; private set; } = "";

    /// <summary>The PDQ list's file.</summary>
    protected string PdqListPath => Path.Combine(ListDirectory, "known-pdq.csv");

    /// <summary>The MD5 list's file.</summary>
    protected string Md5ListPath => Path.Combine(ListDirectory, "known-md5.txt");

    internal ProxyProcess Proxy => _proxy ?? throw new InvalidOperationException("Start the proxy first.");

    /// <summary>The test's view of the store the proxy writes to.</summary>
    internal IScanProxyStore TestStore => _store ?? throw new InvalidOperationException("Start the proxy first.");

    [OneTimeSetUp]
    public async Task StartRedisAndOriginAsync()
    {
        _redis = RedisServer.StartNew();
        Origin = await PhotoOrigin.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopRedisAndOriginAsync()
    {
        await Origin.DisposeAsync();
        _redis.Dispose();
    }

    [SetUp]
    public void CreateListsAndPrefix()
    {
        ListDirectory = Directory.CreateTempSubdirectory("scanproxy-e2e-lists-").FullName;
        _keyPrefix = $"e2e-{Guid.NewGuid():N}:";
        File.WriteAllLines(PdqListPath, ["pdq,id", .. TestImages.Listed.Select(TestImages.PdqLine)]);
        File.WriteAllLines(Md5ListPath, ["# no entries yet"]);
    }

    [TearDown]
    public async Task StopProxyAsync()
    {
        if (_proxy is not null)
        {
            if (TestContext.CurrentContext.Result.FailCount > 0)
            {
                await TestContext.Out.WriteLineAsync(_proxy.Output);
            }

            await _proxy.DisposeAsync();
            _proxy = null;
        }

        if (_store is not null)
        {
            await _store.DisposeAsync();
            _store = null;
        }

        Directory.Delete(ListDirectory, recursive: true);
    }

    /// <summary>Starts the proxy with short timeouts; <paramref name="scanner"/> overrides Scanner settings.</summary>
    internal async Task<ProxyProcess> StartProxyAsync(JsonObject? scanner = null)
    {
        var settings = new JsonObject { ["Workers"] = 2, ["QueueCapacity"] = 64, ["Timeout"] = "00:00:05" };
        foreach (var (name, value) in scanner ?? [])
        {
            settings[name] = value?.DeepClone();
        }

        var configuration = new JsonObject
        {
            ["ScanProxy"] = new JsonObject
            {
                ["Store"] = new JsonObject { ["Redis"] = _redis.Configuration, ["KeyPrefix"] = _keyPrefix },
                ["Admin"] = new JsonObject { ["ApiKeys"] = new JsonArray(ApiKey) },
                ["HashLists"] = new JsonObject
                {
                    ["known-pdq"] = new JsonObject { ["Path"] = PdqListPath, ["Kind"] = "Pdq" },
                    ["known-md5"] = new JsonObject { ["Path"] = Md5ListPath, ["Kind"] = "Md5" },
                },
                ["Scanner"] = settings,
                ["Zones"] = new JsonObject
                {
                    [Zone] = new JsonObject
                    {
                        ["Hosts"] = new JsonArray(Host),
                        ["Origins"] = new JsonArray(Origin.Url),
                        ["HashLists"] = new JsonArray("known-pdq", "known-md5"),
                    },
                },
            },
        };
        _proxy = await ProxyProcess.StartAsync(configuration);
        _proxy.AdminClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        _store = RedisScanProxyStore.Connect(_redis.Configuration, _keyPrefix, NullLogger.Instance, TimeProvider.System);
        return _proxy;
    }

    /// <summary>Waits until the proxy is ready: its store answers and every hash list has loaded.</summary>
    internal async Task WaitUntilReadyAsync() =>
        await Eventually.TrueAsync(async () => (await Proxy.AdminClient.GetAsync("/readyz")).IsSuccessStatusCode, Patience, "the proxy to be ready");

    /// <summary>GETs <paramref name="path"/> through the proxy; returns the status and the body.</summary>
    internal async Task<(int Status, byte[] Body)> GetAsync(string path)
    {
        using var response = await Proxy.GetAsync(Host, path);
        return ((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>Polls <paramref name="path"/> until it answers 451.</summary>
    internal Task WaitUntilBlockedAsync(string path) =>
        Eventually.TrueAsync(async () => await Proxy.StatusAsync(Host, path) == 451, Patience, $"{path} to be blocked", TimeSpan.FromMilliseconds(100));
}
