using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ScanProxy.EndToEnd.Tests.Infrastructure;

namespace ScanProxy.EndToEnd.Tests.Demo;

/// <summary>
/// <c>scanproxy demo</c> (SPEC §2) run as a user would: started with no setup, its printed curl commands followed
/// one by one with the same requests, and stopped with Ctrl+C.
/// </summary>
public sealed partial class DemoTests
{
    private const string KnownUrl = "http://demo.localhost/photos/goldfish.jpg";
    private static readonly TimeSpan s_start = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan s_scan = TimeSpan.FromSeconds(20);

    [Test]
    public async Task The_demo_does_what_it_says_and_stops_cleanly_on_ctrl_c()
    {
        await using var demo = DemoProcess.Start();
        var output = await demo.WaitForAsync("Press Ctrl+C to stop.", s_start);
        var dataDirectory = DataDirectory().Match(output).Groups[1].Value;
        Assert.That(Directory.Exists(dataDirectory), Is.True, $"The printed data directory {dataDirectory} does not exist.");

        var curl = CurlCommand.FindAll(output);
        Assert.That(curl, Has.Count.EqualTo(7), output);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(20) };

        // 1. The listed photo is served the first time.
        Assert.That(await StatusAsync(client, curl[0]), Is.EqualTo(HttpStatusCode.OK));

        // 2. Then, once scanned, it is answered 451 with no-store and a page.
        await Eventually.TrueAsync(async () => await StatusAsync(client, curl[1]) == HttpStatusCode.UnavailableForLegalReasons, s_scan, "the listed photo to be blocked");
        using (var blocked = await client.SendAsync(curl[1].ToRequest()))
        {
            Assert.That(blocked.Headers.CacheControl!.NoStore, Is.True);
            Assert.That(await blocked.Content.ReadAsStringAsync(), Does.Contain("unavailable for legal reasons"));
        }

        // 3. A photo on no list stays served.
        Assert.That(await StatusAsync(client, curl[2]), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await StatusAsync(client, curl[2]), Is.EqualTo(HttpStatusCode.OK));

        // 4. The admin API shows the detection and the block.
        var detections = await JsonAsync(client, curl[3]);
        Assert.That(detections.Select(d => (string?)d!["url"]), Is.EqualTo(new[] { KnownUrl }));
        Assert.That((string?)detections[0]!["list"], Is.EqualTo("demo"));
        var blocks = await JsonAsync(client, curl[4]);
        Assert.That(blocks.Select(b => (string?)b!["url"]), Is.EqualTo(new[] { KnownUrl }));

        // 5. Unblocked as a false positive, the photo is served again, and its next scan does not block it again.
        using (var unblock = await client.SendAsync(curl[5].ToRequest()))
        {
            Assert.That(unblock.IsSuccessStatusCode, Is.True, $"DELETE answered {unblock.StatusCode}");
        }

        Assert.That(await StatusAsync(client, curl[6]), Is.EqualTo(HttpStatusCode.OK));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.That(await StatusAsync(client, curl[6]), Is.EqualTo(HttpStatusCode.OK));

        Assert.That(await demo.InterruptAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(0), demo.Output);
        Assert.That(demo.Output, Does.Contain("Demo stopped"));
        Assert.That(Directory.Exists(dataDirectory), Is.False, "The demo left its data directory behind.");
    }

    [Test]
    public async Task Demo_help_prints_its_usage()
    {
        var (exitCode, standardOutput, _) = await ProxyProcess.RunToExitAsync(["demo", "--help"]);

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(standardOutput, Does.Contain("Usage: scanproxy demo"));
        Assert.That(standardOutput, Does.Contain("Ctrl+C"));
    }

    [TestCase("--port", "http")]
    [TestCase("--port", "70000")]
    [TestCase("--admin-port", "")]
    [TestCase("--colour", "blue")]
    public async Task A_bad_demo_option_is_refused_with_usage_and_exit_code_2(string option, string value)
    {
        var (exitCode, _, standardError) = await ProxyProcess.RunToExitAsync(["demo", option, value]);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(standardError, Does.Contain("scanproxy demo:"));
        Assert.That(standardError, Does.Contain("Usage: scanproxy demo"));
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, CurlCommand command)
    {
        using var response = await client.SendAsync(command.ToRequest());
        return response.StatusCode;
    }

    private static async Task<JsonArray> JsonAsync(HttpClient client, CurlCommand command)
    {
        using var response = await client.SendAsync(command.ToRequest());
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
    }

    [GeneratedRegex(@"^\s*Data\s+(\S+) \(deleted", RegexOptions.Multiline)]
    private static partial Regex DataDirectory();
}
