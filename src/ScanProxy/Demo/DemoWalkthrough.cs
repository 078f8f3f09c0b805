using System.Globalization;

namespace ScanProxy.Demo;

/// <summary>What <c>scanproxy demo</c> prints: where everything is, and exactly what to type and what comes back.</summary>
internal static class DemoWalkthrough
{
    /// <summary>The last line printed, once the demo is ready.</summary>
    public const string ReadyLine = "Press Ctrl+C to stop.";

    public static string Format(DemoSetup setup)
    {
        var edge = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{setup.EdgePort}");
        var admin = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{setup.AdminPort}");
        var host = $"-H 'Host: {DemoSetup.Host}'";
        var auth = $"-H 'Authorization: Bearer {setup.ApiKey}'";
        var status = "-s -o /dev/null -w '%{http_code}\\n'";
        var known = Uri.EscapeDataString($"http://{DemoSetup.Host}/photos/{DemoSamples.Known}");
        var browser = string.Create(CultureInfo.InvariantCulture, $"http://{DemoSetup.Host}:{setup.EdgePort}/");
        return $"""

            ScanProxy demo: a sample website, the proxy in front of it and an embedded store, all in this process,
            listening on 127.0.0.1 only.

              Sample site (origin)  {setup.SiteUrl}  four photos under /photos/
              Proxy (edge)          {edge}  zone "{DemoSetup.Zone}" for Host: {DemoSetup.Host}, Async mode
              Admin API             {admin}  API key: {setup.ApiKey}
              Hash list "demo"      {setup.ListPath}
                                    the PDQ hash of {DemoSamples.Known}, computed from the photo just now
              Data                  {setup.DataDirectory} (deleted when the demo stops)

            1. Fetch the photo that is on the list. It is served at once (200) and scanned as it streams:

                 curl {status} {host} {edge}/photos/{DemoSamples.Known}

            2. Fetch it again. The scan matched and the URL is blocked: 451 Unavailable For Legal Reasons,
               Cache-Control: no-store and a short page; the origin is not asked any more:

                 curl -i {host} {edge}/photos/{DemoSamples.Known}

            3. A photo on no list is scanned too, and stays served (200 every time):

                 curl {status} {host} {edge}/photos/windmill.jpg

            4. What the operator sees: the detection (hashes, list, distance, never the image) and the block:

                 curl -s {auth} '{admin}/api/v1/detections?zone={DemoSetup.Zone}'
                 curl -s {auth} '{admin}/api/v1/blocks?zone={DemoSetup.Zone}'

            5. Review it as a false positive: unblock it, and the same bytes are not blocked again in this zone:

                 curl -s -X DELETE {auth} '{admin}/api/v1/blocks?zone={DemoSetup.Zone}&url={known}'
                 curl {status} {host} {edge}/photos/{DemoSamples.Known}

            In a browser: {browser} (browsers send *.localhost to 127.0.0.1).
            Metrics, in Prometheus text format: {admin}/metrics

            {ReadyLine}
            """;
    }
}
