using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Garnet;
using Garnet.common;
using Microsoft.Extensions.Logging;

namespace ScanProxy.Store;

/// <summary>
/// The embedded store (SPEC §8): Microsoft Garnet running in this process, bound to a free loopback port and
/// speaking the Redis protocol, so <see cref="RedisScanProxyStore"/> serves both cases with one code path.
/// </summary>
/// <remarks>
/// Persistence is Garnet's append-only file under <c>DataDirectory/store</c>: every write is committed before it
/// is acknowledged (<c>--aof-commit-wait</c>), and the file is replayed at start (<c>--recover</c>). Garnet needs
/// <c>--device-type RandomAccess</c> to write it on Linux. A lock file keeps a second process off the same
/// directory, since two servers appending to one file would corrupt it.
/// </remarks>
internal sealed partial class EmbeddedStoreServer : IAsyncDisposable, IDisposable
{
    private const int StartAttempts = 5;

    private readonly GarnetServer _server;
    private readonly FileStream _lock;
    private readonly ILogger _logger;
    private int _disposed;

    private EmbeddedStoreServer(GarnetServer server, FileStream directoryLock, int port, string directory, ILogger logger)
    {
        _server = server;
        _lock = directoryLock;
        Port = port;
        Directory = directory;
        _logger = logger;
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The folder holding the server's files.</summary>
    public string Directory { get; }

    /// <summary>The StackExchange.Redis configuration string that reaches this server.</summary>
    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>Starts the server on <paramref name="dataDirectory"/>, recovering what an earlier run wrote there.</summary>
    /// <exception cref="IOException">Another process uses the directory, or it cannot be created.</exception>
    public static EmbeddedStoreServer Start(string dataDirectory, ILoggerFactory loggerFactory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var logger = loggerFactory.CreateLogger<EmbeddedStoreServer>();
        var directory = Path.GetFullPath(Path.Combine(dataDirectory, "store"));
        System.IO.Directory.CreateDirectory(directory);
        var directoryLock = LockDirectory(directory);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var port = FreeLoopbackPort();
                GarnetServer? server = null;
                try
                {
                    server = new GarnetServer(Arguments(directory, port), loggerFactory);
                    server.Start();
                    Log.Started(logger, port, directory);
                    return new EmbeddedStoreServer(server, directoryLock, port, directory, logger);
                }
                catch (GarnetException e) when (attempt < StartAttempts && e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
                {
                    // Another process took the port between our probe and Garnet's bind: try another.
                    Log.PortTaken(logger, port, e.Message);
                    server?.Dispose();
                }
            }
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    /// <summary>Flushes the append-only file and stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _server.Store.CommitAOFAsync(CancellationToken.None).ConfigureAwait(false);
        _server.Dispose();
        await _lock.DisposeAsync().ConfigureAwait(false);
        Log.Stopped(_logger, Directory);
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static string[] Arguments(string directory, int port) =>
    [
        "--bind", "127.0.0.1",
        "--port", port.ToString(CultureInfo.InvariantCulture),
        "--checkpointdir", directory,
        "--aof",
        "--aof-commit-wait",
        "--recover",
        "--device-type", "RandomAccess",

        // Garnet's defaults size a dedicated cache server (a 128 MB index, 16 MB pages, a 128 MB AOF buffer);
        // a store of blocklists and detections needs a fraction. The AOF page must be at least twice the log page.
        "--index", "16m",
        "--page", "1m",
        "--aof-page-size", "2m",
        "--aof-memory", "8m",
        "-q",
    ];

    private static FileStream LockDirectory(string directory)
    {
        var path = Path.Combine(directory, "scanproxy.lock");
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"The embedded store's directory {directory} is in use by another ScanProxy process (ScanProxy:Store:DataDirectory); give each process its own, or share a Redis server instead.", e);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Embedded store: Garnet listening on 127.0.0.1:{Port}, data in {Directory}.", EventName = "Started")]
        public static partial void Started(ILogger logger, int port, string directory);

        [LoggerMessage(2, LogLevel.Debug, "Embedded store: port {Port} was taken ({Reason}); trying another.", EventName = "PortTaken")]
        public static partial void PortTaken(ILogger logger, int port, string reason);

        [LoggerMessage(3, LogLevel.Information, "Embedded store: stopped, data flushed to {Directory}.", EventName = "Stopped")]
        public static partial void Stopped(ILogger logger, string directory);
    }
}
