using ScanProxy.Scanning;

namespace ScanProxy.Tests.Scanning;

/// <summary>What <see cref="KnownObjectCache"/> lets past the tee: the same URL, strong ETag and list scope, in time.</summary>
public sealed class KnownObjectCacheTests
{
    private const string Zone = "shop";
    private const string Url = "http://shop.example/a.jpg";
    private const string Scope = "d31;q50;known@v1";
    private static readonly TimeSpan s_ttl = TimeSpan.FromMinutes(10);

    private readonly ManualClock _clock = new();

    [Test]
    public void A_url_remembered_clean_is_known_under_the_same_etag_and_scope()
    {
        var cache = new KnownObjectCache(10, _clock);

        cache.RememberClean(Zone, Url, "\"v1\"", Scope, s_ttl);

        Assert.Multiple(() =>
        {
            Assert.That(cache.IsKnownClean(Key(Zone, Url), "\"v1\"", Scope), Is.True);
            Assert.That(cache.IsKnownClean(Key(Zone, Url), "\"v2\"", Scope), Is.False, "another ETag is another object");
            Assert.That(cache.IsKnownClean(Key(Zone, Url), "\"v1\"", "d31;q50;known@v2"), Is.False, "a changed list must judge it again");
            Assert.That(cache.IsKnownClean(Key("other", Url), "\"v1\"", Scope), Is.False, "another zone");
            Assert.That(cache.IsKnownClean(Key(Zone, Url + "?x=1"), "\"v1\"", Scope), Is.False, "another URL");
        });
    }

    [Test]
    public void An_entry_expires_after_its_time_to_live()
    {
        var cache = new KnownObjectCache(10, _clock);
        cache.RememberClean(Zone, Url, "\"v1\"", Scope, s_ttl);

        _clock.Advance(s_ttl - TimeSpan.FromSeconds(1));
        var before = cache.IsKnownClean(Key(Zone, Url), "\"v1\"", Scope);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var after = cache.IsKnownClean(Key(Zone, Url), "\"v1\"", Scope);

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.True);
            Assert.That(after, Is.False);
        });
    }

    [TestCase("W/\"v1\"")]
    [TestCase("")]
    public void A_weak_or_empty_etag_is_not_remembered(string etag)
    {
        var cache = new KnownObjectCache(10, _clock);

        cache.RememberClean(Zone, Url, etag, Scope, s_ttl);

        Assert.Multiple(() =>
        {
            Assert.That(cache.Count, Is.Zero);
            Assert.That(KnownObjectCache.IsStrong(etag), Is.False);
        });
    }

    [Test]
    public void A_zero_time_to_live_or_capacity_remembers_nothing()
    {
        var noTime = new KnownObjectCache(10, _clock);
        var noRoom = new KnownObjectCache(0, _clock);

        noTime.RememberClean(Zone, Url, "\"v1\"", Scope, TimeSpan.Zero);
        noRoom.RememberClean(Zone, Url, "\"v1\"", Scope, s_ttl);

        Assert.Multiple(() =>
        {
            Assert.That(noTime.IsKnownClean(Key(Zone, Url), "\"v1\"", Scope), Is.False);
            Assert.That(noRoom.IsKnownClean(Key(Zone, Url), "\"v1\"", Scope), Is.False);
        });
    }

    [Test]
    public void At_capacity_the_cache_starts_over_and_never_holds_more()
    {
        var cache = new KnownObjectCache(3, _clock);

        for (var i = 0; i < 4; i++)
        {
            cache.RememberClean(Zone, $"{Url}?n={i}", "\"v1\"", Scope, s_ttl);
        }

        Assert.Multiple(() =>
        {
            Assert.That(cache.Count, Is.EqualTo(1));
            Assert.That(cache.IsKnownClean(Key(Zone, $"{Url}?n=3"), "\"v1\"", Scope), Is.True);
            Assert.That(cache.IsKnownClean(Key(Zone, $"{Url}?n=0"), "\"v1\"", Scope), Is.False);
        });
    }

    private static string Key(string zone, string url) => $"{zone}{KnownObjectCache.KeySeparator}{url}";

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
