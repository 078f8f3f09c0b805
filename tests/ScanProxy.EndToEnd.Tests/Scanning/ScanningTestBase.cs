using System.Text.Json.Nodes;
using ScanProxy.Testing;

namespace ScanProxy.EndToEnd.Tests.Scanning;

/// <summary>A real redis-server and a real origin for a fixture of scanning tests; the proxies are the tests' own.</summary>
public abstract class ScanningTestBase
{
    private RedisServer _redis = null!;

    internal PhotoOrigin Origin { get; private set; } = null!;

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

    /// <summary>Starts a proxy in front of <see cref="Origin"/>, on the fixture's redis-server under a key prefix of its own.</summary>
    internal Task<ScanningProxy> StartProxyAsync(JsonObject? scanner = null, IReadOnlyList<string>? md5Lines = null, bool withPdqFile = true) =>
        ScanningProxy.StartAsync(_redis.Configuration, Origin.Url, scanner, md5Lines, withPdqFile);
}
