using ScanProxy.Testing;

namespace ScanProxy.Tests.Notifications;

/// <summary>One real redis-server for the notification tests; each test keeps to its own key prefix.</summary>
[SetUpFixture]
public sealed class NotificationRedis
{
    private static RedisServer? s_server;

    /// <summary>The StackExchange.Redis configuration string of the server.</summary>
    internal static string Configuration => s_server?.Configuration ?? throw new InvalidOperationException("The notification tests' redis-server is not running.");

    [OneTimeSetUp]
    public void StartServer() => s_server = RedisServer.StartNew();

    [OneTimeTearDown]
    public void StopServer()
    {
        s_server?.Dispose();
        s_server = null;
    }
}
