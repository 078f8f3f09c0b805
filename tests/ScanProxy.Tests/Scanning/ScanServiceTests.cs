using ScanProxy.Scanning;

namespace ScanProxy.Tests.Scanning;

public sealed class ScanServiceTests : ScannerTestBase
{
    [Test]
    public async Task A_listed_photo_is_detected_and_its_url_blocked_with_its_digest()
    {
        var node = await StartNodeAsync();
        var photo = TestImages.Listed[1];
        const string url = "http://shop.example/a/listed.jpg";

        var outcome = await node.ScanAsync(url, photo.Bytes);

        var detection = await node.Store.GetDetectionAsync(outcome.DetectionId!);
        var blocks = await node.Store.GetBlocksAsync(Zone);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Result, Is.EqualTo(ScanResult.Match));
            Assert.That(outcome.Reason, Is.EqualTo(ScanReasons.Pdq));
            Assert.That(outcome.Blocked, Is.True);
            Assert.That(detection, Is.Not.Null);
            Assert.That(detection!.Zone, Is.EqualTo(Zone));
            Assert.That(detection.Url, Is.EqualTo(url));
            Assert.That(detection.List, Is.EqualTo(PdqList));
            Assert.That(detection.EntryId, Is.EqualTo(photo.Id));
            Assert.That(detection.Distance, Is.Zero);
            Assert.That(detection.Variant, Is.EqualTo("original"));
            Assert.That(detection.Pdq, Is.EqualTo(photo.Pdq));
            Assert.That(detection.Sha256, Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(photo.Bytes))));
            Assert.That(detection.Action, Is.EqualTo("Block"));
            Assert.That(blocks.Single().Url, Is.EqualTo(url));
            Assert.That(blocks.Single().Sha256, Is.EqualTo(detection.Sha256));
            Assert.That(blocks.Single().Reason, Is.EqualTo($"detection:{detection.Id}"));
        });
    }

    [Test]
    public async Task A_photo_not_on_any_list_is_clean_and_blocks_nothing()
    {
        var node = await StartNodeAsync();

        var outcome = await node.ScanAsync("http://shop.example/distinct.jpg", TestImages.Distinct[0].Bytes);

        Assert.Multiple(async () =>
        {
            Assert.That(outcome, Is.EqualTo(new ScanOutcome(ScanResult.Clean, ScanReasons.Scanned, Blocked: false)));
            Assert.That(await node.Store.GetBlocksAsync(Zone), Is.Empty);
            Assert.That(await node.Store.GetDetectionsAsync(Zone, null, 10), Is.Empty);
        });
    }
}
