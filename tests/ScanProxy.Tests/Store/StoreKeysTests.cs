using ScanProxy.Store;
using ScanProxy.Testing;
using StackExchange.Redis;

namespace ScanProxy.Tests.Store;

public sealed class StoreKeysTests
{
    private static readonly StoreKeys s_keys = new("scanproxy:");

    [Test]
    public void Zone_keys_carry_the_zone_as_a_hash_tag_after_the_prefix()
    {
        Assert.That((string?)s_keys.Blocks("shop"), Is.EqualTo("scanproxy:{zone:shop}:blocks"));
        Assert.That((string?)s_keys.BlocklistVersion("shop"), Is.EqualTo("scanproxy:{zone:shop}:version"));
        Assert.That((string?)s_keys.AllowedDigests("shop"), Is.EqualTo("scanproxy:{zone:shop}:allowed"));
        Assert.That((string?)s_keys.ZoneDetectionsByTime("shop"), Is.EqualTo("scanproxy:{zone:shop}:detections"));
    }

    [TestCase("shop", "shop")]
    [TestCase("a}b", "a%7Db")]
    [TestCase("{x}", "%7Bx%7D")]
    [TestCase("100%", "100%25")]
    [TestCase("", "")]
    public void Braces_and_percent_signs_in_zone_names_are_escaped(string zone, string escaped)
    {
        Assert.That((string?)s_keys.Blocks(zone), Is.EqualTo("scanproxy:{zone:" + escaped + "}:blocks"));
    }

    [Test]
    public void Different_zone_names_never_share_a_key()
    {
        string[] zones = ["a}b", "a%7Db", "a%257Db", "a", "a}", "a%7D", "{a}", "%7Ba%7D"];

        var keys = zones.Select(z => (string?)s_keys.Blocks(z)).ToList();

        Assert.That(keys, Is.Unique);
    }

    [Test]
    public async Task All_keys_of_a_zone_hash_to_one_cluster_slot_whatever_the_name()
    {
        // The slots as a cluster-enabled redis-server computes them (CLUSTER KEYSLOT), not as we think it does.
        using var redis = RedisServer.StartNew("--cluster-enabled", "yes");
        await using var client = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var server = client.GetServer(redis.Configuration);
        async Task<long> SlotAsync(RedisKey key) => (long)await server.ExecuteAsync("CLUSTER", "KEYSLOT", (string)key!);

        foreach (var zone in (string[])["shop", "a}b", "{x}", "ä zone:1"])
        {
            var slot = await SlotAsync(s_keys.Blocks(zone));
            Assert.That(await SlotAsync(s_keys.BlocklistVersion(zone)), Is.EqualTo(slot), zone);
            Assert.That(await SlotAsync(s_keys.AllowedDigests(zone)), Is.EqualTo(slot), zone);
            Assert.That(await SlotAsync(s_keys.ZoneDetectionsByTime(zone)), Is.EqualTo(slot), zone);
        }

        Assert.That(await SlotAsync(s_keys.Blocks("blog")), Is.Not.EqualTo(await SlotAsync(s_keys.Blocks("shop"))), "zones spread over slots");
        Assert.That(await SlotAsync(s_keys.Blocks("a}b")), Is.Not.EqualTo(await SlotAsync(s_keys.Blocks("a"))), "a brace in a name does not end the tag");
        Assert.That(await SlotAsync(s_keys.OutboxLease("n1")), Is.EqualTo(await SlotAsync(s_keys.OutboxDue)));
        Assert.That(await SlotAsync(s_keys.OutboxMessages), Is.EqualTo(await SlotAsync(s_keys.OutboxDue)));
        Assert.That(await SlotAsync(s_keys.DetectionItems), Is.EqualTo(await SlotAsync(s_keys.DetectionsByTime)));
    }

    [Test]
    public void Global_keys_and_the_channel_start_with_the_prefix()
    {
        var keys = new StoreKeys("p:");

        string?[] all = [keys.DetectionItems, keys.DetectionsByTime, keys.Audit, keys.OutboxMessages, keys.OutboxDue, keys.PendingScans, keys.Verdict(new string('a', 64)), keys.OutboxLease("n1"), keys.BlocklistChannel.ToString()];

        Assert.That(all, Has.All.StartsWith("p:"));
    }

    [TestCase("{")]
    [TestCase("pre}fix:")]
    public void A_prefix_with_a_brace_is_refused(string prefix)
    {
        Assert.Throws<ArgumentException>(() => _ = new StoreKeys(prefix));
    }
}
