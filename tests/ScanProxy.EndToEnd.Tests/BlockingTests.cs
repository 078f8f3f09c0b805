using System.Net;
using System.Text.Json.Nodes;
using ScanProxy.EndToEnd.Tests.Infrastructure;
using ScanProxy.Store;
using ScanProxy.Testing;

namespace ScanProxy.EndToEnd.Tests;

/// <summary>
/// A blocked URL answers 451 to every method and every spelling, and never reaches the origin (SPEC §4). The
/// blocks are made in the shared redis-server by another client, as another node (or the admin API) would.
/// </summary>
public sealed class BlockingTests
{
    private const string Blocked = "/img/blocked.jpg";
    private static readonly TimeSpan s_propagation = TimeSpan.FromSeconds(5);

    private RedisServer _redis = null!;
    private RedisScanProxyStore _store = null!;
    private TestOrigin _origin = null!;
    private ProxyProcess _proxy = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _redis = RedisServer.StartNew();
        _store = StoreClient.Connect(_redis.Configuration);
        _origin = await TestOrigin.StartAsync();
        _proxy = await ProxyProcess.StartAsync(JsonNode.Parse($$"""
            {
              "ScanProxy": {
                "Store": { "Redis": "{{_redis.Configuration}}" },
                "Zones": {
                  "shop": { "Hosts": [ "shop.example", "*.shop.example" ], "Origins": [ "{{_origin.Url}}" ] },
                  "cdn": { "Hosts": [ "cdn.example" ], "Origins": [ "{{_origin.Url}}" ], "IgnoreQueryString": true },
                  "gone": { "Hosts": [ "gone.example" ], "Origins": [ "{{_origin.Url}}" ], "BlockStatusCode": 410 }
                }
              }
            }
            """)!.AsObject());

        await _store.BlockAsync("shop", "http://shop.example" + Blocked);
        await _store.BlockAsync("shop", "http://shop.example/img/query.jpg?a=1&b=2");
        await _store.BlockAsync("shop", "https://shop.example/img/secure.jpg");
        await _store.BlockAsync("shop", "http://shop.example/img/a%2Fb.jpg");
        await _store.BlockAsync("cdn", "http://cdn.example/photo.jpg");
        await _store.BlockAsync("gone", "http://gone.example/old.jpg");
        await Eventually.TrueAsync(async () => await _proxy.StatusAsync("gone.example", "/old.jpg") == 410, s_propagation, "the blocks to reach the proxy");
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
    }

    [Test]
    public async Task A_blocked_url_answers_451_with_no_store_and_a_short_page()
    {
        var before = _origin.Requests.Count;

        using var response = await _proxy.GetAsync("shop.example", Blocked);

        Assert.That((int)response.StatusCode, Is.EqualTo(451));
        Assert.That(response.Headers.CacheControl!.NoStore, Is.True);
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/html"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("unavailable for legal reasons"));
        Assert.That(_origin.Requests, Has.Count.EqualTo(before));
    }

    [TestCase("GET")]
    [TestCase("HEAD")]
    [TestCase("POST")]
    [TestCase("PUT")]
    [TestCase("DELETE")]
    [TestCase("OPTIONS")]
    public async Task Every_method_on_a_blocked_url_answers_451(string method)
    {
        var before = _origin.Requests.Count;
        using var request = new HttpRequestMessage(new HttpMethod(method), Blocked);
        request.Headers.Host = "shop.example";
        if (method is "POST" or "PUT")
        {
            request.Content = new StringContent("body");
        }

        using var response = await _proxy.EdgeClient.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(451));
        Assert.That(_origin.Requests, Has.Count.EqualTo(before));
    }

    [Test]
    public async Task A_head_request_gets_the_status_and_no_body()
    {
        var response = await RawHttp.SendAsync(_proxy.EdgePort, "HEAD", Blocked, "shop.example");

        Assert.That(response.StatusCode, Is.EqualTo(451));
        Assert.That(response.Headers["Cache-Control"], Is.EqualTo("no-store"));
        Assert.That(response.Body, Is.Empty);
    }

    [TestCase("Range: bytes=0-99")]
    [TestCase("Range: bytes=-1")]
    [TestCase("If-None-Match: \"abc\"")]
    [TestCase("If-None-Match: *")]
    [TestCase("If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT")]
    [TestCase("If-Range: \"abc\"")]
    public async Task Range_and_conditional_requests_on_a_blocked_url_answer_451(string header)
    {
        var before = _origin.Requests.Count;

        var response = await RawHttp.SendAsync(_proxy.EdgePort, "GET", Blocked, "shop.example", header);

        Assert.That(response.StatusCode, Is.EqualTo(451));
        Assert.That(_origin.Requests, Has.Count.EqualTo(before));
    }

    [TestCase("shop.example", "/img/%62locked.jpg", TestName = "Percent-encoded unreserved character")]
    [TestCase("shop.example", "/img/blocked%2Ejpg", TestName = "Percent-encoded dot")]
    [TestCase("shop.example", "/%69%6D%67/%62%6c%6f%63%6b%65%64%2e%6a%70%67", TestName = "Every character percent-encoded")]
    [TestCase("SHOP.EXAMPLE", Blocked, TestName = "Upper-case host")]
    [TestCase("Shop.Example", Blocked, TestName = "Mixed-case host")]
    [TestCase("shop.example.", Blocked, TestName = "Trailing dot")]
    [TestCase("shop.example:80", Blocked, TestName = "Default port")]
    [TestCase("SHOP.example.:80", Blocked, TestName = "Upper case, trailing dot and default port")]
    [TestCase("shop.example:8080", Blocked, TestName = "Another port")]
    [TestCase("shop.example", "//img//blocked.jpg", TestName = "Repeated slashes")]
    [TestCase("shop.example", "/img/./blocked.jpg", TestName = "Dot segment")]
    [TestCase("shop.example", "/x/../img/blocked.jpg", TestName = "Dot-dot segment")]
    [TestCase("shop.example", "/img/%2e/x/%2E%2E/blocked.jpg", TestName = "Encoded dot segments")]
    [TestCase("shop.example", "/../img/blocked.jpg", TestName = "Dot-dot above the root")]
    [TestCase("shop.example", "/img/blocked.jpg?", TestName = "Empty query")]
    [TestCase("shop.example", "/img/query.jpg?b=2&a=1", TestName = "Query parameters in another order")]
    [TestCase("shop.example", "/img/query.jpg?%62=2&a=%31", TestName = "Query with encoded unreserved characters")]
    [TestCase("shop.example", "/img/query.jpg?a=1&&b=2&", TestName = "Query with empty parameters")]
    [TestCase("shop.example", "/img/secure.jpg", TestName = "Blocked over https, asked over http")]
    [TestCase("shop.example", "/img/a%2fb.jpg", TestName = "Lower-case escape")]
    [TestCase("shop.example", "/img/a%252Fb.jpg", TestName = "Encoded slash escaped again, which the origin cannot tell apart")]
    [TestCase("shop.example", "http://shop.example/img/blocked.jpg", TestName = "Absolute-form request target")]
    public async Task Every_spelling_of_a_blocked_url_answers_451(string host, string target)
    {
        var before = _origin.Requests.Count;

        var response = await RawHttp.SendAsync(_proxy.EdgePort, "GET", target, host);

        Assert.That(response.StatusCode, Is.EqualTo(451));
        Assert.That(_origin.Requests, Has.Count.EqualTo(before));
    }

    [Test]
    public async Task A_fragment_does_not_unblock_a_url()
    {
        using var response = await _proxy.GetAsync("shop.example", Blocked + "#top");

        Assert.That((int)response.StatusCode, Is.EqualTo(451));
    }

    [TestCase("shop.example", "/img/other.jpg", TestName = "Another path")]
    [TestCase("shop.example", "/img/blocked.jpg.bak", TestName = "A longer path")]
    [TestCase("shop.example", "/IMG/BLOCKED.JPG", TestName = "Another case of the path")]
    [TestCase("shop.example", "/img/blocked.jpg?v=2", TestName = "A new query on a blocked path")]
    [TestCase("shop.example", "/img/query.jpg?a=1", TestName = "Part of a blocked query")]
    [TestCase("shop.example", "/img/query.jpg", TestName = "A blocked query's path without it")]
    [TestCase("www.shop.example", Blocked, TestName = "The same path under another host of the zone")]
    [TestCase("cdn.example", "/other.jpg?cb=1", TestName = "Another path of a zone that ignores queries")]
    public async Task A_url_that_is_not_blocked_is_served(string host, string target)
    {
        var before = _origin.Requests.Count;

        var response = await RawHttp.SendAsync(_proxy.EdgePort, "GET", target, host);

        Assert.That(response.StatusCode, Is.EqualTo(200));
        Assert.That(_origin.Requests.Count, Is.EqualTo(before + 1));
    }

    [TestCase("/photo.jpg")]
    [TestCase("/photo.jpg?cb=12345")]
    [TestCase("/photo.jpg?v=1&cb=2")]
    public async Task A_zone_that_ignores_query_strings_blocks_a_cache_buster_too(string target)
    {
        var before = _origin.Requests.Count;

        var response = await RawHttp.SendAsync(_proxy.EdgePort, "GET", target, "cdn.example");

        Assert.That(response.StatusCode, Is.EqualTo(451));
        Assert.That(_origin.Requests, Has.Count.EqualTo(before));
    }

    [Test]
    public async Task The_zone_block_status_code_is_used()
    {
        using var response = await _proxy.GetAsync("gone.example", "/old.jpg");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("unavailable for legal reasons"));
    }

    [Test]
    public async Task An_unblocked_url_is_served_again()
    {
        const string path = "/img/unblock-me.jpg";
        await _store.BlockAsync("shop", "http://shop.example" + path);
        await Eventually.TrueAsync(async () => await _proxy.StatusAsync("shop.example", path) == 451, s_propagation, "the block to be enforced");

        await _store.UnblockAsync("shop", "http://shop.example" + path);

        await Eventually.TrueAsync(async () => await _proxy.StatusAsync("shop.example", path) == 200, s_propagation, "the unblock to be enforced");
    }
}
