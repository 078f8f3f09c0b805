using Microsoft.Extensions.Options;
using ScanProxy.Hosting;

namespace ScanProxy.Cli;

/// <summary><c>scanproxy serve [--config FILE]</c>: runs the proxy until it is stopped (SPEC §2).</summary>
internal static class ServeCommand
{
    public const string Usage = """
        Usage: scanproxy serve [--config FILE] [--Section:Key=value ...]

        Runs the proxy: the edge listener (Kestrel:Endpoints, default http://127.0.0.1:8080) and the admin
        listener (ScanProxy:Admin:Url, default http://127.0.0.1:9090).

        Options:
          --config FILE          a JSON configuration file (see appsettings.example.json), reloaded when it changes;
                                 it overrides appsettings.json and is overridden by environment variables
                                 (ScanProxy__Zones__shop__Origins__0=...) and by --Section:Key=value options
          --urls URLS            edge endpoints, ';'-separated, when Kestrel:Endpoints names none
          -h, --help             show this help

        Exit codes: 0 stopped normally, 1 the configuration or a listener could not be used, 2 bad usage.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);

        string? configFile = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                await Console.Out.WriteLineAsync(Usage);
                return 0;
            }

            if (arg == "--config")
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return await UsageErrorAsync("--config needs a FILE.");
                }

                configFile = args[++i];
            }
            else if (arg.StartsWith("--config=", StringComparison.Ordinal))
            {
                configFile = arg["--config=".Length..];
            }
            else
            {
                rest.Add(arg);
            }
        }

        try
        {
            await using var app = ScanProxyApplication.Create([.. rest], configFile, ownsProcess: true);
            await app.RunAsync();
            return 0;
        }
        catch (InvalidConfigurationException e)
        {
            foreach (var error in e.Errors)
            {
                await Console.Error.WriteLineAsync($"scanproxy: configuration error: {error.Field}: {error.Message}");
            }

            return 1;
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync($"scanproxy: configuration error: {e.Message}");
            return 1;
        }
        catch (IOException e)
        {
            // Kestrel could not bind a listener (address in use, no permission for the port).
            await Console.Error.WriteLineAsync($"scanproxy: cannot listen: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> UsageErrorAsync(string message)
    {
        await Console.Error.WriteLineAsync($"scanproxy serve: {message}");
        await Console.Error.WriteLineAsync(Usage);
        return 2;
    }
}
