using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ScanProxy.Benchmarks.Scanning;

/// <summary>
/// Time to block (issue 6, item 9): requests each listed photo once through node A and, from the moment its first
/// 200 response has been read whole, polls the same URL on node A and on node B (HEAD, so the polls are not teed
/// into A's scanner) until each answers 451, or until <c>--limit-ms</c>. Photos are taken one at a time,
/// <c>--spacing-ms</c> apart. At the end it reads the admin API's detections (first-served and detected times, as
/// the node saw them) for the same URLs. Writes one JSON line per photo to <c>--out</c> and prints one summary line,
/// <c>TTB_JSON {...}</c>, with the median, p99 and maximum of each measure in milliseconds.
/// </summary>
internal static class TimeToBlock
{
    private const int BlockedStatus = 451;

    public static int Run(IReadOnlyDictionary<string, string> options) =>
        RunAsync(options).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(IReadOnlyDictionary<string, string> options)
    {
        var nodeA = new Uri(ScanningTool.Required(options, "a"));
        var nodeB = new Uri(ScanningTool.Required(options, "b"));
        var host = ScanningTool.Required(options, "host");
        var paths = File.ReadAllLines(ScanningTool.Required(options, "paths")).Where(p => p.Length > 0).ToArray();
        var label = options.GetValueOrDefault("label", "run");
        var spacing = TimeSpan.FromMilliseconds(ScanningTool.Int(options, "spacing-ms", 300));
        var poll = TimeSpan.FromMilliseconds(ScanningTool.Int(options, "poll-ms", 5));
        var limit = TimeSpan.FromMilliseconds(ScanningTool.Int(options, "limit-ms", 30_000));

        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false })
        {
            Timeout = TimeSpan.FromSeconds(10),
        };

        var started = DateTimeOffset.UtcNow;
        var results = new List<PhotoResult>(paths.Length);
        foreach (var path in paths)
        {
            results.Add(await MeasureAsync(client, nodeA, nodeB, host, path, poll, limit));
            var last = results[^1];
            Console.Error.WriteLine($"[time-to-block] {label} {path}: first {last.FirstStatus}, A {Show(last.NodeAMs)} ms, B {Show(last.NodeBMs)} ms");
            await Task.Delay(spacing);
        }

        var detections = await ReadDetectionsAsync(client, new Uri(ScanningTool.Required(options, "admin")),
            ScanningTool.Required(options, "api-key"), ScanningTool.Required(options, "zone"), started);
        await using (var output = new StreamWriter(ScanningTool.Required(options, "out")))
        {
            foreach (var result in results)
            {
                var stored = detections.TryGetValue(result.Path, out var detection) ? detection : default((DateTimeOffset, DateTimeOffset)?);
                var storeMs = stored is { } d ? (d.Item2 - d.Item1).TotalMilliseconds : (double?)null;
                await output.WriteLineAsync(JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["label"] = label,
                    ["path"] = result.Path,
                    ["first_status"] = result.FirstStatus,
                    ["first_served_utc"] = result.FirstServedUtc,
                    ["node_a_ms"] = result.NodeAMs,
                    ["node_b_ms"] = result.NodeBMs,
                    ["store_first_served_utc"] = stored?.Item1,
                    ["store_detected_ms"] = storeMs,
                }));
            }
        }

        var a = Collect(results, r => r.NodeAMs);
        var b = Collect(results, r => r.NodeBMs);
        var bAfterA = Collect(results, r => r.NodeAMs is { } x && r.NodeBMs is { } y ? y - x : null);
        var store = new List<double>();
        foreach (var result in results)
        {
            if (detections.TryGetValue(result.Path, out var d))
            {
                store.Add((d.Item2 - d.Item1).TotalMilliseconds);
            }
        }

        var unexpected = detections.Keys.Count(k => !paths.Contains(k, StringComparer.Ordinal));
        Console.WriteLine("TTB_JSON " + JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["label"] = label,
            ["photos"] = paths.Length,
            ["first_200"] = results.Count(r => r.FirstStatus == 200),
            ["blocked_a"] = a.Count,
            ["blocked_b"] = b.Count,
            ["limit_ms"] = limit.TotalMilliseconds,
            ["node_a"] = Summary(a),
            ["node_b"] = Summary(b),
            ["b_after_a"] = Summary(bAfterA),
            ["store"] = Summary(store),
            ["detections_recorded"] = store.Count,
            ["detections_of_other_urls"] = unexpected,
        }));
        return 0;
    }

    private static async Task<PhotoResult> MeasureAsync(HttpClient client, Uri nodeA, Uri nodeB, string host, string path, TimeSpan poll, TimeSpan limit)
    {
        using var first = Request(HttpMethod.Get, nodeA, host, path);
        using var response = await client.SendAsync(first, HttpCompletionOption.ResponseContentRead);
        var served = Stopwatch.GetTimestamp();
        var servedUtc = DateTimeOffset.UtcNow;
        var status = (int)response.StatusCode;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new PhotoResult(path, status, servedUtc, null, null);
        }

        var pollA = PollAsync(client, nodeA, host, path, served, poll, limit);
        var pollB = PollAsync(client, nodeB, host, path, served, poll, limit);
        return new PhotoResult(path, status, servedUtc, await pollA, await pollB);
    }

    /// <summary>Milliseconds from <paramref name="served"/> to the first 451 answer, or null when none came in time.</summary>
    private static async Task<double?> PollAsync(HttpClient client, Uri node, string host, string path, long served, TimeSpan poll, TimeSpan limit)
    {
        while (Stopwatch.GetElapsedTime(served) < limit)
        {
            using var head = Request(HttpMethod.Head, node, host, path);
            try
            {
                using var response = await client.SendAsync(head, HttpCompletionOption.ResponseHeadersRead);
                if ((int)response.StatusCode == BlockedStatus)
                {
                    return Stopwatch.GetElapsedTime(served).TotalMilliseconds;
                }
            }
            catch (HttpRequestException)
            {
                // A refused or reset poll is not an answer; the next one asks again.
            }
            catch (TaskCanceledException)
            {
                // A poll over the client's timeout: likewise.
            }

            await Task.Delay(poll);
        }

        return null;
    }

    private static HttpRequestMessage Request(HttpMethod method, Uri node, string host, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(node, path));
        request.Headers.Host = host;
        return request;
    }

    /// <summary>The detections of the zone made since <paramref name="since"/>, by request path: (first served, detected).</summary>
    private static async Task<Dictionary<string, (DateTimeOffset, DateTimeOffset)>> ReadDetectionsAsync(HttpClient client, Uri admin, string apiKey, string zone, DateTimeOffset since)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(admin, $"/api/v1/detections?zone={Uri.EscapeDataString(zone)}&since={Uri.EscapeDataString(since.ToString("O", CultureInfo.InvariantCulture))}&limit=1000"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var detections = new Dictionary<string, (DateTimeOffset, DateTimeOffset)>(StringComparer.Ordinal);
        foreach (var item in document.RootElement.EnumerateArray())
        {
            string? url = null;
            DateTimeOffset? firstServed = null;
            DateTimeOffset? detected = null;
            foreach (var property in item.EnumerateObject())
            {
                if (property.NameEquals("url") || property.NameEquals("Url"))
                {
                    url = property.Value.GetString();
                }
                else if (property.NameEquals("firstServedAt") || property.NameEquals("FirstServedAt"))
                {
                    firstServed = property.Value.GetDateTimeOffset();
                }
                else if (property.NameEquals("detectedAt") || property.NameEquals("DetectedAt"))
                {
                    detected = property.Value.GetDateTimeOffset();
                }
            }

            if (url is not null && firstServed is { } f && detected is { } d)
            {
                // The earliest detection of a URL is the one that blocked it.
                var path = new Uri(url).PathAndQuery;
                if (!detections.TryGetValue(path, out var known) || known.Item2 > d)
                {
                    detections[path] = (f, d);
                }
            }
        }

        return detections;
    }

    private static List<double> Collect(List<PhotoResult> results, Func<PhotoResult, double?> measure)
    {
        var values = new List<double>();
        foreach (var result in results)
        {
            if (measure(result) is { } value)
            {
                values.Add(value);
            }
        }

        return values;
    }

    private static Dictionary<string, double>? Summary(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        return new Dictionary<string, double>
        {
            ["n"] = values.Count,
            ["median"] = Math.Round(Percentile(values, 50), 1),
            ["p99"] = Math.Round(Percentile(values, 99), 1),
            ["max"] = Math.Round(values[^1], 1),
        };
    }

    // Nearest rank: with fewer than 100 samples the p99 is the maximum.
    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Show(double? ms) => ms is { } v ? v.ToString("F1", CultureInfo.InvariantCulture) : "-";

    private sealed record PhotoResult(string Path, int FirstStatus, DateTimeOffset FirstServedUtc, double? NodeAMs, double? NodeBMs);
}
