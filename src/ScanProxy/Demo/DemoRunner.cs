using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using ScanProxy.Hosting;
using ScanProxy.Pdq;
using ScanProxy.Pdq.Decoding;

namespace ScanProxy.Demo;

/// <summary>
/// Runs <c>scanproxy demo</c> (SPEC §2): writes a hash list made, here and now, from one of the sample photos,
/// starts the sample site, then the proxy itself (the same host as <c>scanproxy serve</c>) in front of it on the
/// embedded store, prints the walk-through and runs until Ctrl+C. Everything lives in a temporary directory,
/// deleted at the end.
/// </summary>
internal static class DemoRunner
{
    private const int StartAttempts = 3;
    private static readonly TimeSpan s_readyTimeout = TimeSpan.FromSeconds(60);

    /// <param name="edgePort">The edge port, or null for a free one.</param>
    /// <param name="adminPort">The admin port, or null for a free one.</param>
    /// <param name="output">Where the walk-through goes.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(int? edgePort, int? adminPort, TextWriter output)
    {
        var samples = DemoSamples.Load();
        var directory = Directory.CreateTempSubdirectory("scanproxy-demo-").FullName;
        try
        {
            var listPath = Path.Combine(directory, "demo-list.csv");
            await File.WriteAllTextAsync(listPath, ListText(samples[0]));
            await using var site = await SampleSite.StartAsync(samples);
            var apiKey = "demo-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

            for (var attempt = 1; ; attempt++)
            {
                var setup = new DemoSetup(site.Url, edgePort ?? FreePort(), adminPort ?? FreePort(), apiKey, listPath, directory);
                var app = ScanProxyApplication.Create(Arguments(setup), configFile: null);
                try
                {
                    await app.StartAsync();
                }
                catch (IOException) when (attempt < StartAttempts && (edgePort is null || adminPort is null))
                {
                    // A free port was taken before Kestrel bound it: try others.
                    await app.DisposeAsync();
                    continue;
                }

                await using (app)
                {
                    await WaitUntilReadyAsync(setup, output);
                    await output.WriteLineAsync(DemoWalkthrough.Format(setup));
                    await output.FlushAsync();
                    await app.WaitForShutdownAsync();
                }

                return 0;
            }
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"scanproxy demo: cannot listen: {e.Message}");
            return 1;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
            await output.WriteLineAsync($"Demo stopped; deleted {directory}.");
        }
    }

    // The list in the format any ScanProxy list has: PDQ hex, then an id.
    private static string ListText(DemoSample known)
    {
        var hash = PdqHasher.HashImage(known.Bytes, ImageDecodeOptions.Default, dihedral: false).Hash;
        return $"# scanproxy demo: the PDQ hash of {known.FileName}, computed when the demo started.\n{hash},demo-{Path.GetFileNameWithoutExtension(known.FileName)}\n";
    }

    // The proxy's configuration, as command-line configuration over whatever else the host reads.
    private static string[] Arguments(DemoSetup setup) =>
    [
        string.Create(CultureInfo.InvariantCulture, $"--Kestrel:Endpoints:Edge:Url=http://127.0.0.1:{setup.EdgePort}"),
        string.Create(CultureInfo.InvariantCulture, $"--ScanProxy:Admin:Url=http://127.0.0.1:{setup.AdminPort}"),
        $"--ScanProxy:Admin:ApiKeys:0={setup.ApiKey}",
        "--ScanProxy:Store:Redis=",
        $"--ScanProxy:Store:DataDirectory={Path.Combine(setup.DataDirectory, "data")}",
        $"--ScanProxy:HashLists:demo:Path={setup.ListPath}",
        "--ScanProxy:HashLists:demo:Kind=Pdq",
        $"--ScanProxy:Zones:{DemoSetup.Zone}:Hosts:0={DemoSetup.Host}",
        $"--ScanProxy:Zones:{DemoSetup.Zone}:Origins:0={setup.SiteUrl}",
        $"--ScanProxy:Zones:{DemoSetup.Zone}:HashLists:0=demo",
        $"--ScanProxy:Zones:{DemoSetup.Zone}:Mode=Async",

        // The walk-through is the output; the log shows what the scanner and the admin API do, one line each.
        "--Logging:LogLevel:Default=Warning",
        "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
        "--Logging:LogLevel:ArgParser=Error",
        "--Logging:LogLevel:ScanProxy.Scanning=Information",
        "--Logging:LogLevel:ScanProxy.Admin=Information",
        "--Logging:Console:FormatterName=simple",
        "--Logging:Console:FormatterOptions:SingleLine=true",
    ];

    private static async Task WaitUntilReadyAsync(DemoSetup setup, TextWriter output)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var readyz = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{setup.AdminPort}/readyz"));
        var deadline = DateTime.UtcNow + s_readyTimeout;
        var reason = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await client.GetAsync(readyz);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                reason = await response.Content.ReadAsStringAsync();
            }
            catch (HttpRequestException e)
            {
                reason = e.Message;
            }

            await Task.Delay(100);
        }

        await output.WriteLineAsync($"scanproxy demo: the proxy is not ready after {s_readyTimeout.TotalSeconds} s ({reason}); the walk-through may not work yet.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
