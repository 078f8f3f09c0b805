using Microsoft.Extensions.Logging.Abstractions;
using ScanProxy.Edge;
using ScanProxy.Store;
using ScanProxy.Zones;

namespace ScanProxy.Tests.Edge;

public sealed class BlocklistCacheTests
{
    private static BlockRecord Block(string url, string zone = "shop") => new(zone, url, "test", DateTimeOffset.UnixEpoch);

    private static BlocklistChange Blocked(string url, string zone = "shop") => new(BlocklistChangeKind.Blocked, zone, url);

    private static BlocklistChange Unblocked(string url, string zone = "shop") => new(BlocklistChangeKind.Unblocked, zone, url);

    private static async Task<BlocklistCache> LoadedAsync(params string[] urls)
    {
        var cache = new BlocklistCache(NullLogger<BlocklistCache>.Instance);
        IReadOnlyList<string> stored = urls;
        await cache.ReloadAsync("shop", _ => Task.FromResult(stored), CancellationToken.None);
        return cache;
    }

    [Test]
    public async Task A_loaded_url_is_blocked_and_another_is_not()
    {
        var cache = await LoadedAsync("http://shop.example/a.jpg");

        Assert.That(cache.IsBlocked("shop", "http://shop.example/a.jpg"), Is.True);
        Assert.That(cache.IsBlocked("shop", "http://shop.example/b.jpg"), Is.False);
        Assert.That(cache.IsBlocked("shop", "http://other.example/a.jpg"), Is.False);
        Assert.That(cache.IsBlocked("blog", "http://shop.example/a.jpg"), Is.False);
        Assert.That(cache.Count("shop"), Is.EqualTo(1));
    }

    [TestCase("https://shop.example/a.jpg")]
    [TestCase("http://shop.example:8080/a.jpg")]
    [TestCase("https://shop.example:8443/a.jpg")]
    public async Task Scheme_and_port_do_not_unblock_a_url(string spelling)
    {
        var cache = await LoadedAsync("http://shop.example/a.jpg");

        Assert.That(cache.IsBlocked("shop", spelling), Is.True);
    }

    [Test]
    public async Task A_blocked_url_with_a_port_is_enforced_without_it()
    {
        var cache = await LoadedAsync("https://shop.example:8443/a.jpg");

        Assert.That(cache.IsBlocked("shop", "http://shop.example/a.jpg"), Is.True);
    }

    [Test]
    public async Task Urls_in_the_store_that_are_not_canonical_are_enforced_in_canonical_form()
    {
        var cache = await LoadedAsync("HTTP://Shop.Example/x/../%61.jpg?b=2&a=1");

        Assert.That(cache.IsBlocked("shop", "http://shop.example/a.jpg?a=1&b=2"), Is.True);
    }

    [Test]
    public async Task Zone_names_are_case_insensitive()
    {
        var cache = await LoadedAsync("http://shop.example/a.jpg");

        Assert.That(cache.IsBlocked("SHOP", "http://shop.example/a.jpg"), Is.True);
    }

    [Test]
    public async Task A_query_is_part_of_the_url()
    {
        var cache = await LoadedAsync("http://shop.example/a.jpg?v=1");

        Assert.That(cache.IsBlocked("shop", "http://shop.example/a.jpg?v=1"), Is.True);
        Assert.That(cache.IsBlocked("shop", "http://shop.example/a.jpg?v=2"), Is.False);
        Assert.That(cache.IsBlocked("shop", "http://shop.example/a.jpg"), Is.False);
    }

    [Test]
    public async Task A_blocked_path_is_known_under_any_query()
    {
        var cache = await LoadedAsync("http://shop.example/a.jpg?v=1");

        Assert.That(cache.IsPathBlockedUnderAnotherQuery("shop", "http://shop.example/a.jpg"), Is.True);
        Assert.That(cache.IsPathBlockedUnderAnotherQuery("shop", "http://shop.example/a.jpg?v=2"), Is.True);
        Assert.That(cache.IsPathBlockedUnderAnotherQuery("shop", "https://shop.example:9/a.jpg?x"), Is.True);
        Assert.That(cache.IsPathBlockedUnderAnotherQuery("shop", "http://shop.example/b.jpg"), Is.False);
    }

    [Test]
    public async Task A_path_stays_blocked_until_its_last_query_is_unblocked()
    {
        var cache = await LoadedAsync("http://shop.example/a.jpg?v=1", "http://shop.example/a.jpg?v=2");

        cache.Apply(Unblocked("http://shop.example/a.jpg?v=1"));
        var afterFirst = cache.IsPathBlockedUnderAnotherQuery("shop", "http://shop.example/a.jpg");
        cache.Apply(Unblocked("http://shop.example/a.jpg?v=2"));

        Assert.That(afterFirst, Is.True);
        Assert.That(cache.IsPathBlockedUnderAnotherQuery("shop", "http://shop.example/a.jpg"), Is.False);
    }

    [Test]
    public async Task Unblocking_the_https_spelling_keeps_the_http_one_blocked()
    {
        var cache = await LoadedAsync("http://shop.example/a.jpg", "https://shop.example/a.jpg");

        cache.Apply(Unblocked("https://shop.example/a.jpg"));

        Assert.That(cache.IsBlocked("shop", "https://shop.example/a.jpg"), Is.True);
        Assert.That(cache.Count("shop"), Is.EqualTo(1));
    }

    [Test]
    public async Task Applied_blocks_and_unblocks_take_effect_at_once()
    {
        var cache = await LoadedAsync();

        cache.Apply(Blocked("http://shop.example/a.jpg"));
        var blocked = cache.IsBlocked("shop", "http://shop.example/a.jpg");
        cache.Apply(Unblocked("http://shop.example/a.jpg"));

        Assert.That(blocked, Is.True);
        Assert.That(cache.IsBlocked("shop", "http://shop.example/a.jpg"), Is.False);
        Assert.That(cache.Count("shop"), Is.Zero);
    }

    [Test]
    public async Task A_repeated_block_is_counted_once()
    {
        var cache = await LoadedAsync("http://shop.example/a.jpg");

        cache.Apply(Blocked("http://shop.example/a.jpg"));
        cache.Apply(Blocked("HTTP://shop.example/%61.jpg"));

        Assert.That(cache.Count("shop"), Is.EqualTo(1));
    }

    [Test]
    public void A_change_for_a_zone_never_loaded_is_left_to_its_load()
    {
        var cache = new BlocklistCache(NullLogger<BlocklistCache>.Instance);

        cache.Apply(Blocked("http://shop.example/a.jpg"));

        Assert.That(cache.IsLoaded("shop"), Is.False);
        Assert.That(cache.IsBlocked("shop", "http://shop.example/a.jpg"), Is.False);
    }

    [Test]
    public async Task A_url_that_is_not_absolute_is_skipped_and_the_rest_enforced()
    {
        var cache = await LoadedAsync("/relative.jpg", "ftp://shop.example/x", "http://shop.example/a.jpg");

        cache.Apply(Blocked("not a url"));

        Assert.That(cache.Count("shop"), Is.EqualTo(1));
        Assert.That(cache.IsBlocked("shop", "http://shop.example/a.jpg"), Is.True);
    }

    [Test]
    public async Task Changes_heard_while_a_reload_is_fetching_are_not_lost()
    {
        var cache = await LoadedAsync("http://shop.example/old.jpg", "http://shop.example/gone.jpg");
        IReadOnlyList<string> snapshot = ["http://shop.example/old.jpg", "http://shop.example/gone.jpg"];

        await cache.ReloadAsync("shop", _ =>
        {
            // Heard after the store answered: the snapshot does not have them.
            cache.Apply(Blocked("http://shop.example/new.jpg"));
            cache.Apply(Unblocked("http://shop.example/gone.jpg"));
            return Task.FromResult(snapshot);
        }, CancellationToken.None);

        Assert.That(cache.IsBlocked("shop", "http://shop.example/new.jpg"), Is.True);
        Assert.That(cache.IsBlocked("shop", "http://shop.example/gone.jpg"), Is.False);
        Assert.That(cache.IsBlocked("shop", "http://shop.example/old.jpg"), Is.True);
    }

    [Test]
    public async Task A_reload_replaces_the_list_and_drops_what_the_store_no_longer_has()
    {
        var cache = await LoadedAsync("http://shop.example/a.jpg");
        IReadOnlyList<string> now = ["http://shop.example/b.jpg"];

        var count = await cache.ReloadAsync("shop", _ => Task.FromResult(now), CancellationToken.None);

        Assert.That(count, Is.EqualTo(1));
        Assert.That(cache.IsBlocked("shop", "http://shop.example/a.jpg"), Is.False);
        Assert.That(cache.IsBlocked("shop", "http://shop.example/b.jpg"), Is.True);
    }

    [Test]
    public async Task A_reload_that_changes_the_blocked_query_of_a_path_keeps_the_path_blocked()
    {
        var cache = await LoadedAsync("http://shop.example/a.jpg?v=1", "https://shop.example/b.jpg", "http://shop.example/b.jpg");
        IReadOnlyList<string> now = ["http://shop.example/a.jpg?v=2", "http://shop.example/b.jpg"];

        var count = await cache.ReloadAsync("shop", _ => Task.FromResult(now), CancellationToken.None);

        Assert.That(count, Is.EqualTo(2));
        Assert.That(cache.IsBlocked("shop", "http://shop.example/a.jpg?v=1"), Is.False);
        Assert.That(cache.IsBlocked("shop", "http://shop.example/a.jpg?v=2"), Is.True);
        Assert.That(cache.IsPathBlockedUnderAnotherQuery("shop", "http://shop.example/a.jpg"), Is.True);
        Assert.That(cache.IsBlocked("shop", "https://shop.example/b.jpg"), Is.True, "the http spelling still blocks every scheme");
    }

    [Test]
    public async Task A_reload_from_block_records_enforces_their_urls()
    {
        var cache = new BlocklistCache(NullLogger<BlocklistCache>.Instance);
        IReadOnlyList<BlockRecord> blocks = [Block("http://shop.example/a.jpg"), Block("HTTP://Shop.Example/%62.jpg")];

        var count = await cache.ReloadAsync("shop", _ => Task.FromResult(blocks), CancellationToken.None);

        Assert.That(count, Is.EqualTo(2));
        Assert.That(cache.IsBlocked("shop", "http://shop.example/b.jpg"), Is.True);
    }

    [Test]
    public async Task A_failed_reload_keeps_the_list_in_force()
    {
        var cache = await LoadedAsync("http://shop.example/a.jpg");

        Assert.ThrowsAsync<StoreUnavailableException>(() => cache.ReloadAsync("shop", Task<IReadOnlyList<string>> (_) => throw new StoreUnavailableException("down"), CancellationToken.None));

        cache.Apply(Blocked("http://shop.example/b.jpg"));
        Assert.That(cache.IsBlocked("shop", "http://shop.example/a.jpg"), Is.True);
        Assert.That(cache.IsBlocked("shop", "http://shop.example/b.jpg"), Is.True);
    }

    [Test]
    public async Task Zones_removed_from_the_configuration_are_forgotten()
    {
        var cache = await LoadedAsync("http://shop.example/a.jpg");

        cache.RetainZones(new Dictionary<string, ZoneOptions> { ["blog"] = new() });

        Assert.That(cache.IsLoaded("shop"), Is.False);
        Assert.That(cache.IsBlocked("shop", "http://shop.example/a.jpg"), Is.False);
    }

    [Test]
    public async Task A_hundred_thousand_urls_load_and_are_all_found()
    {
        var urls = Enumerable.Range(0, 100_000).Select(i => $"http://shop.example/img/{i:D6}.jpg").ToArray();

        var cache = await LoadedAsync(urls);

        Assert.That(cache.Count("shop"), Is.EqualTo(100_000));
        Assert.That(urls.All(u => cache.IsBlocked("shop", u)), Is.True);
        Assert.That(cache.IsBlocked("shop", "http://shop.example/img/100000.jpg"), Is.False);
    }
}
