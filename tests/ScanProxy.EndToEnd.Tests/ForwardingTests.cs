using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ScanProxy.EndToEnd.Tests.Infrastructure;

namespace ScanProxy.EndToEnd.Tests;

/// <summary>The proxy forwards what it should, as it is, and nothing for a host of no zone (SPEC §4).</summary>
public sealed class ForwardingTests
{
    private TestOrigin _origin = null!;
    private ProxyProcess _proxy = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _origin = await TestOrigin.StartAsync();
        _proxy = await ProxyProcess.StartAsync(JsonNode.Parse($$"""
            {
              "ScanProxy": {
                "Zones": {
                  "shop": { "Hosts": [ "shop.example", "*.shop.example" ], "Origins": [ "{{_origin.Url}}" ] }
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
    }

    [Test]
    public async Task A_get_is_forwarded_with_its_path_query_and_headers()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/img/a.jpg?size=2&q=a%20b");
        request.Headers.Host = "shop.example";
        request.Headers.Add("X-Test", "forwarded as is");

        using var response = await _proxy.EdgeClient.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("origin saw GET /img/a.jpg?size=2&q=a%20b"));
        Assert.That(response.Headers.GetValues("X-Origin").Single(), Is.EqualTo("test-origin"));
        var received = _origin.Requests.Last(r => r.RawTarget.StartsWith("/img/a.jpg", StringComparison.Ordinal));
        Assert.That(received.Headers["X-Test"], Is.EqualTo("forwarded as is"));
    }

    [TestCase("POST")]
    [TestCase("PUT")]
    [TestCase("PATCH")]
    [TestCase("DELETE")]
    public async Task A_request_with_a_body_is_forwarded_with_its_method_and_body(string method)
    {
        var body = $"{{\"method\":\"{method}\",\"text\":\"h\u00e9llo\"}}";
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/items/{method}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Host = "shop.example";

        using var response = await _proxy.EdgeClient.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(body));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
        var received = _origin.Requests.Last(r => r.RawTarget == $"/api/items/{method}");
        Assert.That(received.Method, Is.EqualTo(method));
        Assert.That(received.BodyLength, Is.EqualTo(Encoding.UTF8.GetByteCount(body)));
    }

    [Test]
    public async Task The_origin_is_told_who_asked_through_x_forwarded_headers()
    {
        await _proxy.StatusAsync("img.shop.example", "/forwarded-headers");

        var received = _origin.Requests.Last(r => r.RawTarget == "/forwarded-headers");
        Assert.That(received.Headers["X-Forwarded-For"], Is.EqualTo("127.0.0.1"));
        Assert.That(received.Headers["X-Forwarded-Host"], Is.EqualTo("img.shop.example"));
        Assert.That(received.Headers["X-Forwarded-Proto"], Is.EqualTo("http"));
    }

    [Test]
    public async Task A_large_response_streams_through_intact()
    {
        const long length = 16L * 1024 * 1024;

        using var response = await _proxy.GetAsync("shop.example", $"/large/{length}", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[256 * 1024];
        long offset = 0;
        var mismatches = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                mismatches += buffer[i] == TestOrigin.PatternByte(offset + i) ? 0 : 1;
            }

            offset += read;
        }

        Assert.That(offset, Is.EqualTo(length));
        Assert.That(mismatches, Is.Zero);
    }

    [Test]
    public async Task A_response_reaches_the_client_while_the_origin_is_still_sending_it()
    {
        var gate = Guid.NewGuid().ToString("N");
        using var response = await _proxy.GetAsync("shop.example", $"/gate/{gate}", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();

        // The origin sends the rest only when the gate opens, so a proxy that buffered would stall here.
        var first = await ReadAtLeastAsync(stream, TestOrigin.GateChunk).WaitAsync(TimeSpan.FromSeconds(5));
        _origin.OpenGate(gate);
        var rest = await ReadAtLeastAsync(stream, TestOrigin.GateChunk).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.That(first + rest, Is.EqualTo(2 * TestOrigin.GateChunk));
    }

    [Test]
    public async Task A_large_request_body_streams_through_intact()
    {
        var body = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);
        using var request = new HttpRequestMessage(HttpMethod.Put, "/upload/large")
        {
            Content = new StreamContent(new MemoryStream(body)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Host = "shop.example";

        using var response = await _proxy.EdgeClient.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var received = _origin.Requests.Last(r => r.RawTarget == "/upload/large");
        Assert.That(received.BodyLength, Is.EqualTo(body.Length));
        Assert.That(received.BodySha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(body))));
    }

    [TestCase("other.example")]
    [TestCase("shop.example.evil")]
    [TestCase("127.0.0.1")]
    public async Task A_host_of_no_zone_gets_404_and_nothing_is_forwarded(string host)
    {
        var path = $"/no-zone/{Guid.NewGuid():N}";

        using var response = await _proxy.GetAsync(host, path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/plain"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("no site"));
        Assert.That(_origin.CountRequests(path), Is.Zero);
    }

    [TestCase("SHOP.EXAMPLE")]
    [TestCase("shop.example.")]
    [TestCase("shop.example:80")]
    [TestCase("deep.img.shop.example")]
    public async Task Host_spellings_of_a_zone_are_forwarded(string host)
    {
        var path = $"/spelled/{Guid.NewGuid():N}";

        var response = await RawHttp.SendAsync(_proxy.EdgePort, "GET", path, host);

        Assert.That(response.StatusCode, Is.EqualTo(200));
        Assert.That(_origin.CountRequests(path), Is.EqualTo(1));
    }

    // Kestrel leaves %2F encoded in the path and YARP escapes its '%', so the origin cannot tell "%2F" from "%252F";
    // the canonical URL treats them as one (see UrlCanonicalizer).
    [TestCase("/encoded/a%2Fb")]
    [TestCase("/encoded/a%252Fb")]
    public async Task An_encoded_slash_reaches_the_origin_as_yarp_forwards_it(string target)
    {
        var before = _origin.Requests.Count;

        var response = await RawHttp.SendAsync(_proxy.EdgePort, "GET", target, "shop.example");

        Assert.That(response.StatusCode, Is.EqualTo(200));
        Assert.That(_origin.Requests.Skip(before).Single().RawTarget, Is.EqualTo("/encoded/a%252Fb"));
    }

    [Test]
    public async Task The_admin_listener_forwards_nothing()
    {
        var path = $"/admin-port/{Guid.NewGuid():N}";
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = "shop.example";

        using var response = await _proxy.AdminClient.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(_origin.CountRequests(path), Is.Zero);
    }

    [Test]
    public async Task The_edge_does_not_serve_the_admin_endpoints()
    {
        using var edge = await _proxy.GetAsync("other.example", "/healthz");
        using var site = await _proxy.GetAsync("shop.example", "/healthz");

        Assert.That(edge.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await site.Content.ReadAsStringAsync(), Is.EqualTo("origin saw GET /healthz"));
    }

    private static async Task<int> ReadAtLeastAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        return await stream.ReadAtLeastAsync(buffer, count);
    }
}
