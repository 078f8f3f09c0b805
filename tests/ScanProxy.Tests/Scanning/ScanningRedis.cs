using ScanProxy.Testing;

namespace ScanProxy.Tests.Scanning;

/// <summary>One real redis-server for the scanner tests; each test keeps to its own key prefix.</summary>
[SetUpFixture]
public sealed class ScanningRedis
{
    private static RedisServer? s_server;

    /// <summary>The StackExchange.Redis configuration string of the server.</summary>
    internal static string Configuration => s_server?.Configuration ?? throw new InvalidOperationException("The scanner tests' redis-server is not running.");

    [OneTimeSetUp]
    public void StartServer() => s_server = RedisServer.StartNew();

    [OneTimeTearDown]
    public void StopServer()
    {
        s_server?.Dispose();
        s_server = null;
    }
}
