using ScanProxy.Scanning;
using ScanProxy.Tests.Notifications;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;

namespace ScanProxy.Tests.Scanning;

/// <summary>What the scanner decides about one object, and what it records, on a real store with real list files.</summary>
public sealed class ScanJudgingTests : ScannerTestBase
{
    [Test]
    public async Task A_mirrored_copy_matches_through_its_flipped_variant()
    {
        var node = await StartNodeAsync();
        var photo = TestImages.Listed[0];
        using var image = Image.Load(photo.Bytes);
        image.Mutate(x => x.Flip(FlipMode.Horizontal));
        using var mirrored = new MemoryStream();
        await image.SaveAsJpegAsync(mirrored);

        var outcome = await node.ScanAsync("http://shop.example/mirrored.jpg", mirrored.ToArray());

        var detection = await node.Store.GetDetectionAsync(outcome.DetectionId!);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Result, Is.EqualTo(ScanResult.Match));
            Assert.That(detection!.EntryId, Is.EqualTo(photo.Id));
            Assert.That(detection.Variant, Is.EqualTo("flipy"));
            Assert.That(detection.Distance, Is.LessThanOrEqualTo(31));
        });
    }

    [Test]
    public async Task Known_bad_bytes_under_a_new_url_are_blocked_at_once_without_decoding_them_again()
    {
        var node = await StartNodeAsync();
        var photo = TestImages.Listed[2];
        var first = await node.ScanAsync("http://shop.example/first.jpg", photo.Bytes);

        var second = await node.ScanAsync("http://shop.example/elsewhere/second.jpg", photo.Bytes);

        var blocked = (await node.Store.GetBlocksAsync(Zone)).Select(b => b.Url);
        var detection = await node.Store.GetDetectionAsync(second.DetectionId!);
        Assert.Multiple(() =>
        {
            Assert.That(first.Reason, Is.EqualTo(ScanReasons.Pdq));
            Assert.That(second.Result, Is.EqualTo(ScanResult.Match));
            Assert.That(second.Reason, Is.EqualTo(ScanReasons.KnownDigest));
            Assert.That(second.Blocked, Is.True);
            Assert.That(second.DetectionId, Is.Not.EqualTo(first.DetectionId));
            Assert.That(detection!.Url, Is.EqualTo("http://shop.example/elsewhere/second.jpg"));
            Assert.That(detection.EntryId, Is.EqualTo(photo.Id));
            Assert.That(blocked, Is.EquivalentTo((string[])["http://shop.example/first.jpg", "http://shop.example/elsewhere/second.jpg"]));
            Assert.That(node.Counts.Hashed, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Another_node_blocks_known_bad_bytes_from_the_shared_verdict_without_decoding_them()
    {
        var first = await StartNodeAsync();
        var photo = TestImages.Listed[3];
        var original = await first.ScanAsync("http://shop.example/one.jpg", photo.Bytes);
        var second = await StartNodeAsync();

        var outcome = await second.ScanAsync("http://shop.example/two.jpg", photo.Bytes);

        var detection = await second.Store.GetDetectionAsync(outcome.DetectionId!);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Result, Is.EqualTo(ScanResult.Match));
            Assert.That(outcome.Reason, Is.EqualTo(ScanReasons.KnownDigest));
            Assert.That(outcome.DetectionId, Is.Not.EqualTo(original.DetectionId));
            Assert.That(detection!.Url, Is.EqualTo("http://shop.example/two.jpg"));
            Assert.That(detection.Pdq, Is.EqualTo(photo.Pdq));
            Assert.That(second.Counts.Hashed, Is.Zero);
        });
    }

    [Test]
    public async Task Another_node_takes_a_clean_verdict_from_the_store_only_when_its_lists_and_thresholds_are_the_same()
    {
        var first = await StartNodeAsync();
        var photo = TestImages.Distinct[1];
        await first.ScanAsync("http://shop.example/clean.jpg", photo.Bytes);
        var same = await StartNodeAsync();
        Settings[$"ScanProxy:Zones:{Zone}:MaxDistance"] = "40";
        var stricter = await StartNodeAsync();

        var fromVerdict = await same.ScanAsync("http://shop.example/clean.jpg", photo.Bytes);
        var judgedAgain = await stricter.ScanAsync("http://shop.example/clean.jpg", photo.Bytes);

        Assert.Multiple(() =>
        {
            Assert.That(fromVerdict, Is.EqualTo(new ScanOutcome(ScanResult.Clean, ScanReasons.KnownDigest, Blocked: false)));
            Assert.That(same.Counts.Hashed, Is.Zero);
            Assert.That(judgedAgain, Is.EqualTo(new ScanOutcome(ScanResult.Clean, ScanReasons.Scanned, Blocked: false)));
            Assert.That(stricter.Counts.Hashed, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Bytes_judged_clean_match_from_their_kept_hashes_once_the_list_gains_them()
    {
        var node = await StartNodeAsync();
        var photo = TestImages.Distinct[2];
        var before = await node.ScanAsync("http://shop.example/later.jpg", photo.Bytes);
        var version = node.Catalog.GetStatus().Single(s => s.Name == PdqList).Version;

        WriteList("known-pdq.csv", [.. TestImages.Listed.Select(TestImages.PdqLine), TestImages.PdqLine(photo)]);
        await Eventually.TrueAsync(() => node.Catalog.GetStatus().Single(s => s.Name == PdqList).Version != version, "the list to reload");
        var after = await node.ScanAsync("http://shop.example/later.jpg", photo.Bytes);

        Assert.Multiple(() =>
        {
            Assert.That(before.Result, Is.EqualTo(ScanResult.Clean));
            Assert.That(after.Result, Is.EqualTo(ScanResult.Match));
            Assert.That(after.Reason, Is.EqualTo(ScanReasons.Pdq));
            Assert.That(node.Counts.Hashed, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task An_md5_list_entry_blocks_the_object()
    {
        var photo = TestImages.Distinct[0];
        WriteList("known-md5.txt", [$"{TestImages.Md5Hex(photo.Bytes)},md5-entry-7"]);
        var node = await StartNodeAsync();

        var outcome = await node.ScanAsync("http://shop.example/md5.jpg", photo.Bytes);

        var detection = await node.Store.GetDetectionAsync(outcome.DetectionId!);
        Assert.Multiple(async () =>
        {
            Assert.That(outcome.Result, Is.EqualTo(ScanResult.Match));
            Assert.That(outcome.Reason, Is.EqualTo(ScanReasons.Md5));
            Assert.That(outcome.Blocked, Is.True);
            Assert.That(detection!.List, Is.EqualTo(Md5List));
            Assert.That(detection.EntryId, Is.EqualTo("md5-entry-7"));
            Assert.That(detection.Variant, Is.Null);
            Assert.That(detection.Pdq, Is.EqualTo(photo.Pdq));
            Assert.That((await node.Store.GetBlocksAsync(Zone)).Single().Url, Is.EqualTo("http://shop.example/md5.jpg"));
        });
    }

    [Test]
    public async Task A_flat_image_is_skipped_for_low_quality_unless_an_exact_list_holds_it()
    {
        var flat = TestImages.FlatPng();
        var node = await StartNodeAsync();
        var unlisted = await node.ScanAsync("http://shop.example/flat.png", flat);
        WriteList("known-md5.txt", [TestImages.Md5Hex(flat)]);
        await Eventually.TrueAsync(() => node.Catalog.GetStatus().Single(s => s.Name == Md5List).Entries == 1, "the MD5 list to reload");

        var listed = await node.ScanAsync("http://shop.example/flat.png", flat);

        Assert.Multiple(() =>
        {
            Assert.That(unlisted, Is.EqualTo(new ScanOutcome(ScanResult.Skipped, ScanReasons.LowQuality, Blocked: false)));
            Assert.That(listed.Result, Is.EqualTo(ScanResult.Match));
            Assert.That(listed.Reason, Is.EqualTo(ScanReasons.Md5));
        });
    }

    [Test]
    public async Task A_digest_an_operator_allowed_in_the_zone_is_not_blocked_there_again()
    {
        var node = await StartNodeAsync();
        var photo = TestImages.Listed[0];
        var first = await node.ScanAsync("http://shop.example/reviewed.jpg", photo.Bytes);
        var block = (await node.Store.GetBlocksAsync(Zone)).Single();
        await node.Store.UnblockAsync(Zone, block.Url);
        await node.Store.AllowDigestAsync(Zone, block.Sha256!);

        var again = await node.ScanAsync("http://shop.example/reviewed.jpg", photo.Bytes);
        var elsewhere = await node.ScanAsync("http://shop.example/copy-of-reviewed.jpg", photo.Bytes);

        Assert.Multiple(async () =>
        {
            Assert.That(first.Blocked, Is.True);
            Assert.That(again, Is.EqualTo(new ScanOutcome(ScanResult.Clean, ScanReasons.Allowed, Blocked: false)));
            Assert.That(elsewhere, Is.EqualTo(new ScanOutcome(ScanResult.Clean, ScanReasons.Allowed, Blocked: false)));
            Assert.That(await node.Store.GetBlocksAsync(Zone), Is.Empty);
            Assert.That(await node.Store.GetDetectionsAsync(Zone, null, 10), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task A_zone_that_only_logs_records_one_detection_per_url_and_blocks_nothing()
    {
        Settings[$"ScanProxy:Zones:{Zone}:Action"] = "LogOnly";
        var node = await StartNodeAsync();
        var photo = TestImages.Listed[1];

        var first = await node.ScanAsync("http://shop.example/logged.jpg", photo.Bytes);
        var again = await node.ScanAsync("http://shop.example/logged.jpg", photo.Bytes);

        var detections = await node.Store.GetDetectionsAsync(Zone, null, 10);
        Assert.Multiple(async () =>
        {
            Assert.That(first.Result, Is.EqualTo(ScanResult.Match));
            Assert.That(first.Blocked, Is.False);
            Assert.That(again.DetectionId, Is.EqualTo(first.DetectionId));
            Assert.That(detections.Single().Action, Is.EqualTo("LogOnly"));
            Assert.That(await node.Store.GetBlocksAsync(Zone), Is.Empty);
        });
    }

    [Test]
    public async Task A_detection_is_posted_once_to_the_zone_webhook()
    {
        await using var receiver = await WebhookReceiver.StartAsync("hook-secret");
        Settings[$"ScanProxy:Zones:{Zone}:Notify:Webhooks:0:Url"] = receiver.Url;
        Settings[$"ScanProxy:Zones:{Zone}:Notify:Webhooks:0:Secret"] = "hook-secret";
        Settings["ScanProxy:Notifications:PollInterval"] = "00:00:00.050";
        var node = await StartNodeAsync();

        var outcome = await node.ScanAsync("http://shop.example/notified.jpg", TestImages.Listed[2].Bytes);

        await Eventually.TrueAsync(() => receiver.DeliveredCount() == 1, "the webhook to receive the detection");
        var request = receiver.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.SignatureValid, Is.True);
            Assert.That(System.Text.Encoding.UTF8.GetString(request.Body), Does.Contain(outcome.DetectionId!));
        });
    }

    [TestCase("gzip")]
    [TestCase("br")]
    [TestCase("deflate")]
    [TestCase("raw-deflate")]
    public async Task A_content_encoded_body_is_decoded_before_it_is_judged(string coding)
    {
        var node = await StartNodeAsync();
        var photo = TestImages.Listed[3];
        var header = coding == "raw-deflate" ? "deflate" : coding;

        var outcome = await node.ScanAsync("http://shop.example/encoded.jpg", TestImages.Encode(photo.Bytes, coding), header);

        Assert.That(outcome.Result, Is.EqualTo(ScanResult.Match));
    }

    [Test]
    public async Task Stacked_content_codings_are_undone_from_the_last()
    {
        var node = await StartNodeAsync();
        var photo = TestImages.Listed[3];
        var body = TestImages.Encode(TestImages.Encode(photo.Bytes, "gzip"), "br");

        var outcome = await node.ScanAsync("http://shop.example/stacked.jpg", body, "gzip, identity, br");

        Assert.That(outcome.Result, Is.EqualTo(ScanResult.Match));
    }
}
