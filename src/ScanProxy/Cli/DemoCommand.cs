using System.Globalization;
using ScanProxy.Demo;

namespace ScanProxy.Cli;

/// <summary><c>scanproxy demo</c>: the zero-setup walk-through (SPEC §2).</summary>
internal static class DemoCommand
{
    public const string Usage = """
        Usage: scanproxy demo [--port N] [--admin-port N]

        Runs a self-contained demonstration that needs nothing but this program: a small sample website serving four
        photos, ScanProxy in front of it scanning every image, an embedded store, and a hash list made at start from
        one of the photos. It prints what to type (curl commands) and what you will see: the listed photo served
        once, then answered 451 after its scan; the others served every time; the detection in the admin API.
        Everything listens on 127.0.0.1 and lives in a temporary directory, deleted when the demo stops.

        Options:
          --port N          the proxy's port (default: a free port, printed at start)
          --admin-port N    the admin API's port (default: a free port, printed at start)
          -h, --help        show this help

        Stop it with Ctrl+C. Exit codes: 0 stopped normally, 1 a port could not be used, 2 bad usage.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);

        int? port = null;
        int? adminPort = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    await Console.Out.WriteLineAsync(Usage);
                    return 0;
                case "--port" or "--admin-port":
                    if (i + 1 >= args.Length || !TryParsePort(args[i + 1], out var value))
                    {
                        return await UsageErrorAsync($"{args[i]} needs a port number from 1 to 65535.");
                    }

                    if (args[i] == "--port")
                    {
                        port = value;
                    }
                    else
                    {
                        adminPort = value;
                    }

                    i++;
                    break;
                default:
                    return await UsageErrorAsync($"unknown option '{args[i]}'.");
            }
        }

        if (port is not null && port == adminPort)
        {
            return await UsageErrorAsync("--port and --admin-port must differ.");
        }

        return await DemoRunner.RunAsync(port, adminPort, Console.Out);
    }

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;

    private static async Task<int> UsageErrorAsync(string message)
    {
        await Console.Error.WriteLineAsync($"scanproxy demo: {message}");
        await Console.Error.WriteLineAsync(Usage);
        return 2;
    }
}
