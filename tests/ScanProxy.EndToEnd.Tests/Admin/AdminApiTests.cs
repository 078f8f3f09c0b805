using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScanProxy.EndToEnd.Tests.Infrastructure;
using ScanProxy.Store;
using ScanProxy.Testing;

namespace ScanProxy.EndToEnd.Tests.Admin;

/// <summary>The admin API (SPEC §7) of a real proxy process on a real redis-server.</summary>
public sealed class AdminApiTests
{
    private const string Key = "test-admin-key-0123456789";

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
                "Admin": { "ApiKeys": [ "{{Key}}", "second-key" ] },
                "Zones": {
                  "shop": { "Hosts": [ "shop.example" ], "Origins": [ "{{_origin.Url}}" ],
                            "Notify": { "Webhooks": [ { "Url": "http://127.0.0.1:1/hook", "Secret": "do-not-show" } ] } },
                  "blog": { "Hosts": [ "blog.example" ], "Origins": [ "{{_origin.Url}}" ], "IgnoreQueryString": true }
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
    }

    [Test]
    public async Task Api_without_a_key_answers_401_with_a_json_problem()
    {
        using var response = await _proxy.AdminClient.GetAsync("/api/v1/zones");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"));
    }

    [Test]
    public async Task Api_with_a_wrong_key_answers_401_and_the_key_is_not_logged()
    {
        const string Wrong = "wrong-key-that-must-not-appear-in-logs";
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/zones", key: Wrong);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await _proxy.WaitForOutputAsync("refused: unknown API key", TimeSpan.FromSeconds(5));
        Assert.That(_proxy.Output, Does.Not.Contain(Wrong));
        Assert.That(_proxy.Output, Does.Not.Contain(Key));
    }

    [Test]
    public async Task Api_with_a_key_that_is_a_prefix_of_a_right_key_answers_401()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/zones", key: Key[..^1]);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Zones_list_settings_and_blocked_counts_but_never_webhook_secrets()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/zones", key: "second-key");
        var text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var zones = JsonNode.Parse(text)!.AsArray();
        Assert.That(zones.Select(z => (string)z!["name"]!), Is.EqualTo(new[] { "blog", "shop" }));
        Assert.That((string)zones[1]!["notifyWebhooks"]![0]!, Is.EqualTo("http://127.0.0.1:1/hook"));
        Assert.That(text, Does.Not.Contain("do-not-show"));
        Assert.That((int)zones[1]!["blockedUrls"]!, Is.GreaterThanOrEqualTo(0));
    }

    [Test]
    public async Task A_block_made_through_the_api_answers_451_for_every_spelling_and_is_audited()
    {
        using var post = await SendAsync(HttpMethod.Post, "/api/v1/blocks",
            JsonContent.Create(new { zone = "shop", url = "http://SHOP.example:80/a/../img/%61pi.jpg?b=2&a=1#top", reason = "reported" }));
        var created = JsonNode.Parse(await post.Content.ReadAsStringAsync())!;

        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((string)created["url"]!, Is.EqualTo("http://shop.example/img/api.jpg?a=1&b=2"));
        Assert.That(await _proxy.StatusAsync("shop.example", "/img/api.jpg?a=1&b=2"), Is.EqualTo(451));
        Assert.That(await _proxy.StatusAsync("shop.example", "/img//./api.jpg?b=2&a=1"), Is.EqualTo(451));
        Assert.That(await _proxy.StatusAsync("shop.example", "/img/other.jpg"), Is.EqualTo(200));
        Assert.That(await _store.GetBlocksAsync("shop"), Has.Some.Matches<BlockRecord>(b => b.Url == "http://shop.example/img/api.jpg?a=1&b=2" && b.Reason == "reported"));

        using var audit = await SendAsync(HttpMethod.Get, "/api/v1/audit");
        var entries = JsonNode.Parse(await audit.Content.ReadAsStringAsync())!.AsArray();
        var entry = entries.First(e => (string?)e!["target"] == "http://shop.example/img/api.jpg?a=1&b=2")!;
        Assert.That((string)entry["action"]!, Is.EqualTo("block"));
        Assert.That((string)entry["actor"]!, Does.StartWith("key:"));
        Assert.That(audit.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
    }

    [Test]
    public async Task Blocking_the_same_url_twice_answers_200_the_second_time()
    {
        var body = new { zone = "shop", url = "http://shop.example/twice.jpg" };
        using var first = await SendAsync(HttpMethod.Post, "/api/v1/blocks", JsonContent.Create(body));
        using var second = await SendAsync(HttpMethod.Post, "/api/v1/blocks", JsonContent.Create(body));

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Ignore_query_string_zones_store_the_url_without_its_query()
    {
        using var post = await SendAsync(HttpMethod.Post, "/api/v1/blocks", JsonContent.Create(new { zone = "blog", url = "http://blog.example/p.jpg?v=1" }));

        Assert.That((string)JsonNode.Parse(await post.Content.ReadAsStringAsync())!["url"]!, Is.EqualTo("http://blog.example/p.jpg"));
        Assert.That(await _proxy.StatusAsync("blog.example", "/p.jpg?cache-buster=42"), Is.EqualTo(451));
    }

    [TestCase("""{ "zone": "nope", "url": "http://shop.example/x.jpg" }""", "No zone 'nope'")]
    [TestCase("""{ "zone": "shop", "url": "http://blog.example/x.jpg" }""", "not served by zone 'shop'")]
    [TestCase("""{ "zone": "shop", "url": "/relative.jpg" }""", "not an absolute http(s) URL")]
    [TestCase("""{ "zone": "shop" }""", "'zone' and 'url'")]
    public async Task Bad_block_requests_answer_400_and_say_why(string json, string why)
    {
        using var post = await SendAsync(HttpMethod.Post, "/api/v1/blocks", new StringContent(json, new MediaTypeHeaderValue("application/json")));
        var problem = JsonNode.Parse(await post.Content.ReadAsStringAsync())!;

        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((string)problem["detail"]!, Does.Contain(why));
    }

    [Test]
    public async Task Unblocking_a_scanner_block_serves_the_url_again_and_allows_its_digest_in_the_zone()
    {
        const string Url = "http://shop.example/img/false-positive.jpg";
        var digest = new string('a', 64);
        await _store.BlockAsync(new BlockRecord("shop", Url, "detection:x", DateTimeOffset.UtcNow, digest));
        await Eventually.TrueAsync(async () => await _proxy.StatusAsync("shop.example", "/img/false-positive.jpg") == 451, TimeSpan.FromSeconds(5), "the block to reach the proxy");

        using var delete = await SendAsync(HttpMethod.Delete, "/api/v1/blocks?zone=shop&url=" + Uri.EscapeDataString(Url));

        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await _proxy.StatusAsync("shop.example", "/img/false-positive.jpg"), Is.EqualTo(200));
        Assert.That(await _store.IsDigestAllowedAsync("shop", digest), Is.True);
        Assert.That(await _store.IsDigestAllowedAsync("blog", digest), Is.False);
    }

    [Test]
    public async Task Unblocking_a_url_that_is_not_blocked_answers_404()
    {
        using var delete = await SendAsync(HttpMethod.Delete, "/api/v1/blocks?zone=shop&url=" + Uri.EscapeDataString("http://shop.example/never.jpg"));

        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Blocks_of_a_zone_are_listed_and_an_unknown_zone_is_404()
    {
        await _store.BlockAsync(new BlockRecord("blog", "http://blog.example/listed.jpg", "test", DateTimeOffset.UtcNow));

        using var list = await SendAsync(HttpMethod.Get, "/api/v1/blocks?zone=blog");
        using var unknown = await SendAsync(HttpMethod.Get, "/api/v1/blocks?zone=nope");

        var urls = JsonNode.Parse(await list.Content.ReadAsStringAsync())!.AsArray().Select(b => (string)b!["url"]!);
        Assert.That(urls, Does.Contain("http://blog.example/listed.jpg"));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Detections_are_listed_newest_first_and_fetched_by_id()
    {
        var now = DateTimeOffset.UtcNow;
        await _store.AddDetectionAsync(Detection("det-old", now.AddMinutes(-2)));
        await _store.AddDetectionAsync(Detection("det-new", now.AddMinutes(-1)));

        using var list = await SendAsync(HttpMethod.Get, "/api/v1/detections?zone=shop&limit=2");
        using var one = await SendAsync(HttpMethod.Get, "/api/v1/detections/det-old");
        using var missing = await SendAsync(HttpMethod.Get, "/api/v1/detections/none");
        using var badLimit = await SendAsync(HttpMethod.Get, "/api/v1/detections?limit=0");

        var ids = JsonNode.Parse(await list.Content.ReadAsStringAsync())!.AsArray().Select(d => (string)d!["id"]!).ToList();
        Assert.That(ids, Is.EqualTo(new[] { "det-new", "det-old" }));
        Assert.That((string)JsonNode.Parse(await one.Content.ReadAsStringAsync())!["sha256"]!, Is.EqualTo(new string('b', 64)));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(badLimit.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Health_readiness_and_the_openapi_document_need_no_key()
    {
        using var health = await _proxy.AdminClient.GetAsync("/healthz");
        using var ready = await _proxy.AdminClient.GetAsync("/readyz");
        using var openApi = await _proxy.AdminClient.GetAsync("/openapi/v1.json");

        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var paths = JsonNode.Parse(await openApi.Content.ReadAsStringAsync())!["paths"]!.AsObject();
        Assert.That(paths.Select(p => p.Key), Is.SupersetOf(new[] { "/api/v1/zones", "/api/v1/blocks", "/api/v1/detections", "/api/v1/detections/{id}", "/api/v1/audit" }));
    }

    [Test]
    public async Task The_admin_api_is_not_reachable_through_the_edge()
    {
        var before = _origin.Requests.Count;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/zones");
        request.Headers.Host = "shop.example";
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);

        using var response = await _proxy.EdgeClient.SendAsync(request);

        // The edge forwards the path to the site like any other: the admin API does not answer there.
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("\"blockedUrls\""));
        Assert.That(_origin.Requests, Has.Count.EqualTo(before + 1));
    }

    private static DetectionRecord Detection(string id, DateTimeOffset at) => new()
    {
        Id = id,
        Zone = "shop",
        Url = "http://shop.example/" + id + ".jpg",
        FirstServedAt = at,
        DetectedAt = at,
        Sha256 = new string('b', 64),
        Pdq = new string('c', 64),
        Quality = 100,
        List = "known-pdq",
        EntryId = "entry-1",
        Distance = 3,
        Variant = "Original",
        Action = "Block",
    };

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null, string key = Key)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await _proxy.AdminClient.SendAsync(request);
    }
}
