using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ScanProxy.Testing;

/// <summary>
/// A real redis-server process on a free loopback port, with its files in a temporary folder. It can be killed
/// and started again on the same port (for outage tests); disposing it kills it and deletes the folder. A
/// process-exit hook kills any server a test forgot, so no test run leaves one behind.
/// </summary>
internal sealed class RedisServer : IDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(10);
    private static readonly Lock s_liveLock = new();
    private static readonly HashSet<RedisServer> s_live = [];
    private static readonly Lazy<string> s_executable = new(FindExecutable);

    private readonly StringBuilder _output = new();
    private Process? _process;

    static RedisServer() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    private readonly string[] _extraArguments;

    private RedisServer(int port, string directory, string[] extraArguments)
    {
        Port = port;
        Directory = directory;
        _extraArguments = extraArguments;
    }

    /// <summary>The loopback port; it stays the same across <see cref="Kill"/> and <see cref="Start()"/>.</summary>
    public int Port { get; }

    /// <summary>The temporary folder the server runs in.</summary>
    public string Directory { get; }

    /// <summary>The StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a new server on a free port and waits until it answers PING.</summary>
    /// <param name="extraArguments">More redis-server options, for example <c>--cluster-enabled yes</c>.</param>
    /// <exception cref="InvalidOperationException">redis-server is not installed, or it did not start.</exception>
    public static RedisServer StartNew(params string[] extraArguments)
    {
        var directory = Path.Combine(Path.GetTempPath(), "scanproxy-redis-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var server = new RedisServer(FreeLoopbackPort(), directory, extraArguments);
        try
        {
            server.Start();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Starts the server (again) on <see cref="Port"/> and waits until it answers PING.</summary>
    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"redis-server on port {Port} is already running.");
        }

        var start = new ProcessStartInfo(s_executable.Value)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        foreach (var argument in (string[])["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", Directory, .. _extraArguments])
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        lock (s_liveLock)
        {
            s_live.Add(this);
        }

        WaitForPing();
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash or a network cut would look to clients.</summary>
    public void Kill()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        process.Dispose();
        _process = null;
        lock (s_liveLock)
        {
            s_live.Remove(this);
        }
    }

    /// <summary>Kills the server and deletes its folder.</summary>
    public void Dispose()
    {
        Kill();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }

    private static void KillAll()
    {
        RedisServer[] live;
        lock (s_liveLock)
        {
            live = [.. s_live];
        }

        foreach (var server in live)
        {
            server.Dispose();
        }
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private void WaitForPing()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < s_startTimeout)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"redis-server on port {Port} exited with code {_process.ExitCode}:{Environment.NewLine}{Output()}");
            }

            if (AnswersPing())
            {
                return;
            }

            Thread.Sleep(20);
        }

        Kill();
        throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within {s_startTimeout.TotalSeconds} s:{Environment.NewLine}{Output()}");
    }

    /// <summary>True when the server answers PING, or refuses it only for want of a password (--requirepass).</summary>
    private bool AnswersPing()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            using var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var line = new StringBuilder();
            for (var b = stream.ReadByte(); b >= 0 && b != '\n'; b = stream.ReadByte())
            {
                line.Append((char)b);
            }

            var reply = line.ToString().TrimEnd('\r');
            return reply == "+PONG" || reply.StartsWith("-NOAUTH", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            // Closed while starting; try again.
            return false;
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindExecutable()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("redis-server is not installed (or not on PATH). Install it with 'apt-get install redis-server', or run the tests through tests/run.sh, which does.");
    }
}
