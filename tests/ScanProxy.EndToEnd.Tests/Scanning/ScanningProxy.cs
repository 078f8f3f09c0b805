using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using ScanProxy.EndToEnd.Tests.Infrastructure;
using ScanProxy.Store;
using ScanProxy.Tests.Scanning;

namespace ScanProxy.EndToEnd.Tests.Scanning;

/// <summary>
/// A real proxy process with zone "shop" in front of an origin, scanning against a PDQ and an MD5 list in files of
/// its own, with a key prefix of its own in a shared redis-server, and a store client to read what it recorded.
/// The scanner's per-object log lines are on (Debug), so a test can see that an object was judged.
/// Disposing it stops the process (printing its output if the test failed) and deletes the list files.
/// </summary>
internal sealed class ScanningProxy : IAsyncDisposable
{
    public const string Host = "shop.example";
    public const string Zone = "shop";
    public const string ApiKey = "e2e-scanning-key";

    /// <summary>How long a scan, a deferral and a block may take to show on a busy machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly RedisScanProxyStore _store;

    private ScanningProxy(ProxyProcess process, RedisScanProxyStore store, string listDirectory)
    {
        Process = process;
        _store = store;
        ListDirectory = listDirectory;
    }

    public ProxyProcess Process { get; }

    /// <summary>The test's view of the store the proxy writes to.</summary>
    public IScanProxyStore SharedStore => _store;

    /// <summary>Where the list files are.</summary>
    public string ListDirectory { get; }

    /// <summary>The PDQ list's file: at start, the dev photos of <see cref="TestImages.Listed"/>, if written.</summary>
    public string PdqListPath => Path.Combine(ListDirectory, "known-pdq.csv");

    /// <summary>The MD5 list's file: at start, the lines given to <see cref="StartAsync"/>.</summary>
    public string Md5ListPath => Path.Combine(ListDirectory, "known-md5.txt");

    /// <summary>
    /// Writes the lists (the PDQ list's file only if <paramref name="withPdqFile"/>) and starts the proxy;
    /// <paramref name="scanner"/> overrides Scanner settings.
    /// </summary>
    public static async Task<ScanningProxy> StartAsync(string redis, string origin, JsonObject? scanner, IReadOnlyList<string>? md5Lines, bool withPdqFile)
    {
        var listDirectory = Directory.CreateTempSubdirectory("scanproxy-e2e-lists-").FullName;
        var pdqList = Path.Combine(listDirectory, "known-pdq.csv");
        var md5List = Path.Combine(listDirectory, "known-md5.txt");
        if (withPdqFile)
        {
            await File.WriteAllLinesAsync(pdqList, ["pdq,id", .. TestImages.Listed.Select(TestImages.PdqLine)]);
        }

        await File.WriteAllLinesAsync(md5List, ["# md5,id", .. md5Lines ?? []]);

        var settings = new JsonObject { ["Workers"] = 2, ["QueueCapacity"] = 64, ["Timeout"] = "00:00:05" };
        foreach (var (name, value) in scanner ?? [])
        {
            settings[name] = value?.DeepClone();
        }

        var prefix = $"e2e-{Guid.NewGuid():N}:";
        var configuration = new JsonObject
        {
            ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["ScanProxy.Scanning.ScanPipeline"] = "Debug" } },
            ["ScanProxy"] = new JsonObject
            {
                ["Store"] = new JsonObject { ["Redis"] = redis, ["KeyPrefix"] = prefix },
                ["Admin"] = new JsonObject { ["ApiKeys"] = new JsonArray(ApiKey) },
                ["HashLists"] = new JsonObject
                {
                    ["known-pdq"] = new JsonObject { ["Path"] = pdqList, ["Kind"] = "Pdq" },
                    ["known-md5"] = new JsonObject { ["Path"] = md5List, ["Kind"] = "Md5" },
                },
                ["Scanner"] = settings,
                ["Zones"] = new JsonObject
                {
                    [Zone] = new JsonObject
                    {
                        ["Hosts"] = new JsonArray(Host),
                        ["Origins"] = new JsonArray(origin),
                        ["HashLists"] = new JsonArray("known-pdq", "known-md5"),
                    },
                },
            },
        };
        var process = await ProxyProcess.StartAsync(configuration);
        process.AdminClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        var store = RedisScanProxyStore.Connect(redis, prefix, NullLogger.Instance, TimeProvider.System);
        return new ScanningProxy(process, store, listDirectory);
    }

    /// <summary>Waits until the proxy is ready: its store answers and every hash list has loaded.</summary>
    public Task WaitUntilReadyAsync() =>
        Eventually.TrueAsync(async () => (await Process.AdminClient.GetAsync("/readyz")).IsSuccessStatusCode, Patience, "the proxy to be ready");

    /// <summary>GETs <paramref name="path"/> through the proxy; returns the status and the body.</summary>
    public async Task<(int Status, byte[] Body)> GetAsync(string path)
    {
        using var response = await Process.GetAsync(Host, path);
        return ((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>The status of a GET of <paramref name="path"/> through the proxy.</summary>
    public Task<int> StatusAsync(string path) => Process.StatusAsync(Host, path);

    /// <summary>Polls <paramref name="path"/> until it answers 451.</summary>
    public Task WaitUntilBlockedAsync(string path) =>
        Eventually.TrueAsync(async () => await StatusAsync(path) == 451, Patience, $"{path} to be blocked", TimeSpan.FromMilliseconds(100));

    /// <summary>Waits for the scanner's log line of a judgement of <paramref name="path"/>, e.g. "Clean (allowed)".</summary>
    public Task WaitUntilJudgedAsync(string path, string judgement) =>
        Process.WaitForOutputAsync($"http://{Host}{path} scanned: {judgement}.", Patience);

    /// <summary>Waits for the scanner's log line of any judgement of <paramref name="path"/>.</summary>
    public Task WaitForJudgementAsync(string path) =>
        Process.WaitForOutputAsync($"http://{Host}{path} scanned: ", Patience);

    public async ValueTask DisposeAsync()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0)
        {
            await TestContext.Out.WriteLineAsync(Process.Output);
        }

        await Process.DisposeAsync();
        await _store.DisposeAsync();
        Directory.Delete(ListDirectory, recursive: true);
    }
}
