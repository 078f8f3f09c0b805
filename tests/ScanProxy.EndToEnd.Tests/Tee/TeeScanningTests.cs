using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ScanProxy.EndToEnd.Tests.Infrastructure;
using ScanProxy.Store;
using ScanProxy.Testing;

namespace ScanProxy.EndToEnd.Tests.Tee;

/// <summary>
/// The tee in the real proxy process, with the real scanner, a real redis-server and a real origin (SPEC §4):
/// whatever way an image is served, it ends up scanned, and a listed one blocked; Hold mode never lets a listed
/// image out and releases a clean one intact. Each test serves its own photo under its own paths, so that a block
/// can only come from that test's scan.
/// </summary>
public sealed class TeeScanningTests
{
    private static readonly TimeSpan s_scanned = TimeSpan.FromSeconds(20);

    private RedisServer _redis = null!;
    private RedisScanProxyStore _store = null!;
    private PhotoOrigin _origin = null!;
    private ProxyProcess _proxy = null!;
    private string _lists = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _lists = Directory.CreateTempSubdirectory("scanproxy-tee-lists-").FullName;
        var list = Path.Combine(_lists, "known.csv");
        await File.WriteAllTextAsync(list, TeePhotos.ListText());

        _redis = RedisServer.StartNew();
        _store = StoreClient.Connect(_redis.Configuration);
        _origin = await PhotoOrigin.StartAsync();
        _proxy = await ProxyProcess.StartAsync(JsonNode.Parse($$"""
            {
              "ScanProxy": {
                "Store": { "Redis": "{{_redis.Configuration}}" },
                "HashLists": { "known": { "Path": "{{list}}", "Kind": "Pdq" } },
                "Zones": {
                  "async": { "Hosts": [ "async.test" ], "Origins": [ "{{_origin.Url}}" ], "HashLists": [ "known" ] },
                  "hold": { "Hosts": [ "hold.test" ], "Origins": [ "{{_origin.Url}}" ], "HashLists": [ "known" ], "Mode": "Hold" }
                }
              }
            }
            """)!.AsObject());
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0)
        {
            await TestContext.Out.WriteLineAsync(_proxy.Output);
        }

        await _proxy.DisposeAsync();
        await _origin.DisposeAsync();
        await _store.DisposeAsync();
        _redis.Dispose();
        Directory.Delete(_lists, recursive: true);
    }

    [Test]
    public async Task A_png_that_claims_to_be_text_plain_is_scanned_and_its_url_blocked()
    {
        var photo = TeePhotos.ListedPng;
        _origin.Add("/text/photo.png", photo.Bytes, "text/plain");

        using (var first = await _proxy.GetAsync("async.test", "/text/photo.png"))
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await first.Content.ReadAsByteArrayAsync(), Is.EqualTo(photo.Bytes));
        }

        await BlockedAsync("async.test", "/text/photo.png");
        var detection = (await _store.GetDetectionsAsync("async", since: null, limit: 100)).Single(d => d.Url == "http://async.test/text/photo.png");
        Assert.That(detection.List, Is.EqualTo("known"));
        Assert.That(detection.EntryId, Is.EqualTo(photo.Id));
        Assert.That(detection.Sha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(photo.Bytes))));
        Assert.That(_origin.WasFetchedByScanner("/text/photo.png"), Is.False, "The tee's copy should have been scanned, not a fetch.");
    }

    [Test]
    public async Task A_gzip_encoded_image_is_scanned_and_its_url_blocked()
    {
        var photo = TeePhotos.ListedJpegs[0];
        var encoded = Gzip(photo.Bytes);
        _origin.Add("/gzip/photo.jpg", encoded, "image/jpeg", contentEncoding: "gzip");

        using (var first = await _proxy.GetAsync("async.test", "/gzip/photo.jpg"))
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await first.Content.ReadAsByteArrayAsync(), Is.EqualTo(encoded), "The proxy must not decode what it serves.");
        }

        await BlockedAsync("async.test", "/gzip/photo.jpg");
    }

    [Test]
    public async Task A_range_request_gets_the_whole_object_fetched_scanned_and_blocked()
    {
        var photo = TeePhotos.ListedJpegs[1];
        _origin.Add("/range/photo.jpg", photo.Bytes, "image/jpeg");

        using (var partial = await SendAsync(HttpMethod.Get, "async.test", "/range/photo.jpg", r => r.Headers.Range = new RangeHeaderValue(100, 299)))
        {
            Assert.That(partial.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
            Assert.That(await partial.Content.ReadAsByteArrayAsync(), Is.EqualTo(photo.Bytes[100..300]));
        }

        await BlockedAsync("async.test", "/range/photo.jpg");
        Assert.That(_origin.WasFetchedByScanner("/range/photo.jpg"), Is.True);
    }

    [Test]
    public async Task A_head_request_gets_the_object_fetched_scanned_and_blocked()
    {
        var photo = TeePhotos.ListedJpegs[2];
        _origin.Add("/head/photo.jpg", photo.Bytes, "image/jpeg");

        using (var head = await SendAsync(HttpMethod.Head, "async.test", "/head/photo.jpg"))
        {
            Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        await BlockedAsync("async.test", "/head/photo.jpg");
        Assert.That(_origin.WasFetchedByScanner("/head/photo.jpg"), Is.True);
    }

    [Test]
    public async Task An_aborted_download_gets_the_object_fetched_scanned_and_blocked()
    {
        var photo = TeePhotos.ListedJpegs[3];
        _origin.Add("/slow/photo.jpg", photo.Bytes, "image/jpeg", slow: true);

        using (var response = await _proxy.GetAsync("async.test", "/slow/photo.jpg", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            await using var body = await response.Content.ReadAsStreamAsync();
            var first = new byte[16];
            await body.ReadExactlyAsync(first);
            Assert.That(first, Is.EqualTo(photo.Bytes[..16]));

            // Disposing the response mid-body closes the connection: the proxy sees its client go away.
        }

        await BlockedAsync("async.test", "/slow/photo.jpg");
        Assert.That(_origin.WasFetchedByScanner("/slow/photo.jpg"), Is.True);
    }

    [Test]
    public async Task A_clean_photo_is_scanned_and_stays_served()
    {
        var photo = TeePhotos.Clean[0];
        _origin.Add("/clean/photo.jpg", photo.Bytes, "image/jpeg");

        using (var first = await _proxy.GetAsync("async.test", "/clean/photo.jpg"))
        {
            Assert.That(await first.Content.ReadAsByteArrayAsync(), Is.EqualTo(photo.Bytes));
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(photo.Bytes));
        await Eventually.TrueAsync(async () => await _store.GetVerdictAsync(sha256) is not null, s_scanned, "the clean photo to be judged");
        Assert.That((await _store.GetVerdictAsync(sha256))!.Result, Is.EqualTo("clean"));
        using var again = await _proxy.GetAsync("async.test", "/clean/photo.jpg");
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await again.Content.ReadAsByteArrayAsync(), Is.EqualTo(photo.Bytes));
    }

    [Test]
    public async Task Hold_mode_answers_a_listed_image_with_451_on_the_first_request()
    {
        var photo = TeePhotos.ListedJpegs[4];
        _origin.Add("/hold/listed.jpg", photo.Bytes, "image/jpeg");

        using var first = await _proxy.GetAsync("hold.test", "/hold/listed.jpg");

        Assert.That((int)first.StatusCode, Is.EqualTo(451));
        var body = await first.Content.ReadAsByteArrayAsync();
        Assert.That(body.AsSpan().IndexOf(photo.Bytes.AsSpan(0, 64)), Is.EqualTo(-1), "No byte of the image may reach the client.");
        await BlockedAsync("hold.test", "/hold/listed.jpg");
    }

    [Test]
    public async Task Hold_mode_answers_a_known_image_under_a_new_url_with_451_on_the_first_request()
    {
        var photo = TeePhotos.ListedJpegs[4];
        _origin.Add("/hold/known-a.jpg", photo.Bytes, "image/jpeg");
        _origin.Add("/hold/known-b.jpg", photo.Bytes, "image/jpeg");
        using (var a = await _proxy.GetAsync("hold.test", "/hold/known-a.jpg"))
        {
            Assert.That((int)a.StatusCode, Is.EqualTo(451));
        }

        using var b = await _proxy.GetAsync("hold.test", "/hold/known-b.jpg");

        Assert.That((int)b.StatusCode, Is.EqualTo(451));
    }

    [Test]
    public async Task Hold_mode_releases_a_clean_image_intact()
    {
        var photo = TeePhotos.Clean[1];
        _origin.Add("/hold/clean.jpg", photo.Bytes, "image/jpeg");

        using var response = await _proxy.GetAsync("hold.test", "/hold/clean.jpg");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("image/jpeg"));
        Assert.That(response.Content.Headers.ContentLength, Is.EqualTo(photo.Bytes.Length));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(photo.Bytes));
    }

    [Test]
    public async Task A_new_query_on_a_path_blocked_under_another_is_held_and_refused()
    {
        var photo = TeePhotos.ListedJpegs[4];
        _origin.Add("/query/photo.jpg", photo.Bytes, "image/jpeg");
        await _store.BlockAsync("async", "http://async.test/query/photo.jpg?v=1");
        await Eventually.TrueAsync(async () => await _proxy.StatusAsync("async.test", "/query/photo.jpg?v=1") == 451, s_scanned, "the block to reach the proxy");

        using var other = await _proxy.GetAsync("async.test", "/query/photo.jpg?v=2");

        Assert.That((int)other.StatusCode, Is.EqualTo(451));
    }

    private async Task BlockedAsync(string host, string pathAndQuery) =>
        await Eventually.TrueAsync(async () => await _proxy.StatusAsync(host, pathAndQuery) == 451, s_scanned, $"{host}{pathAndQuery} to be blocked after its scan");

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string host, string pathAndQuery, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.Host = host;
        configure?.Invoke(request);
        return await _proxy.EdgeClient.SendAsync(request);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
