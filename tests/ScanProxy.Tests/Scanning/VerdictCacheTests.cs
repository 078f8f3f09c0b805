using ScanProxy.Scanning;

namespace ScanProxy.Tests.Scanning;

public sealed class VerdictCacheTests
{
    private static readonly ScannedObject s_object = ScannedObject.Undecodable(ScanReasons.Corrupt);

    [Test]
    public void The_cache_never_holds_more_than_its_capacity()
    {
        var cache = new VerdictCache(capacity: 100);

        for (var i = 0; i < 1_000; i++)
        {
            cache.Set(Digest(i), s_object);
            Assert.That(cache.Count, Is.LessThanOrEqualTo(100));
        }

        Assert.That(cache.TryGet(Digest(999), out _), Is.True);
        Assert.That(cache.TryGet(Digest(0), out _), Is.False);
    }

    [Test]
    public void An_object_still_looked_up_survives_while_others_are_dropped()
    {
        var cache = new VerdictCache(capacity: 10);
        cache.Set(Digest(-1), s_object);

        for (var i = 0; i < 100; i++)
        {
            cache.Set(Digest(i), s_object);
            Assert.That(cache.TryGet(Digest(-1), out var found), Is.True);
            Assert.That(found, Is.SameAs(s_object));
        }
    }

    [Test]
    public void A_cache_of_capacity_zero_holds_nothing()
    {
        var cache = new VerdictCache(capacity: 0);

        cache.Set(Digest(1), s_object);

        Assert.That(cache.TryGet(Digest(1), out _), Is.False);
    }

    private static ObjectDigest Digest(int i) => ObjectDigest.Compute(BitConverter.GetBytes(i));
}
