using System.Net;
using System.Security.Cryptography;
using ScanProxy.Tests.Scanning;
using static ScanProxy.EndToEnd.Tests.Scanning.ScanningProxy;

namespace ScanProxy.EndToEnd.Tests.Scanning;

/// <summary>
/// The loop of issue 6 through the real process: an image served by a real origin is teed, scanned and, when it
/// matches a list, its URL answers 451 from then on (SPEC §4-§6). The tests share one proxy (starting one costs
/// seconds) and keep apart by using photos, edits and paths of their own.
/// </summary>
public sealed class ScanningEndToEndTests : ScanningTestBase
{
    private ScanningProxy _proxy = null!;

    [OneTimeSetUp]
    public async Task StartProxyAsync()
    {
        // Distinct[0] is on the MD5 list, and only there.
        _proxy = await StartProxyAsync(md5Lines: [$"{TestImages.Md5Hex(TestImages.Distinct[0].Bytes)},md5-entry"]);
        await _proxy.WaitUntilReadyAsync();
    }

    [OneTimeTearDown]
    public async Task StopProxyAsync() => await _proxy.DisposeAsync();

    [Test]
    public async Task Edited_copies_of_listed_photos_are_served_once_and_then_blocked()
    {
        var edits = new Dictionary<string, byte[]>
        {
            ["/edited/half-size.jpg"] = PhotoEdits.Resized(TestImages.Listed[0].Bytes, 0.5),
            ["/edited/quality-30.jpg"] = PhotoEdits.Recompressed(TestImages.Listed[1].Bytes, 30),
            ["/edited/mirrored.jpg"] = PhotoEdits.Mirrored(TestImages.Listed[2].Bytes),
        };

        foreach (var (path, bytes) in edits)
        {
            Origin.Serve(path, bytes);
            var (status, body) = await _proxy.GetAsync(path);
            Assert.That(status, Is.EqualTo(200), path);
            Assert.That(body, Is.EqualTo(bytes), path);
        }

        foreach (var path in edits.Keys)
        {
            await _proxy.WaitUntilBlockedAsync(path);
        }

        var detections = (await _proxy.SharedStore.GetDetectionsAsync(Zone, null, 100)).Where(d => d.Url.Contains("/edited/", StringComparison.Ordinal));
        Assert.That(detections.Select(d => (new Uri(d.Url).AbsolutePath, d.EntryId)), Is.EquivalentTo(new[]
        {
            ("/edited/half-size.jpg", TestImages.Listed[0].Id),
            ("/edited/quality-30.jpg", TestImages.Listed[1].Id),
            ("/edited/mirrored.jpg", TestImages.Listed[2].Id),
        }));
    }

    [Test]
    public async Task Distinct_photos_are_judged_clean_and_never_blocked()
    {
        var photos = TestImages.Distinct.Skip(1).ToList();
        foreach (var photo in photos)
        {
            Origin.Serve($"/distinct/{photo.Id}.jpg", photo.Bytes);
            Assert.That((await _proxy.GetAsync($"/distinct/{photo.Id}.jpg")).Status, Is.EqualTo(200));
        }

        foreach (var photo in photos)
        {
            await _proxy.WaitUntilJudgedAsync($"/distinct/{photo.Id}.jpg", "Clean (scanned)");
            var verdict = await _proxy.SharedStore.GetVerdictAsync(Convert.ToHexStringLower(SHA256.HashData(photo.Bytes)));
            Assert.That(verdict?.Result, Is.EqualTo("clean"));
            Assert.That(await _proxy.StatusAsync($"/distinct/{photo.Id}.jpg"), Is.EqualTo(200));
        }

        var detections = await _proxy.SharedStore.GetDetectionsAsync(Zone, null, 100);
        Assert.That(detections.Where(d => d.Url.Contains("/distinct/", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task A_known_bad_image_under_a_new_url_is_blocked_from_its_digest()
    {
        var photo = TestImages.Listed[3];
        Origin.Serve("/known/first.jpg", photo.Bytes);
        await _proxy.GetAsync("/known/first.jpg");
        await _proxy.WaitUntilBlockedAsync("/known/first.jpg");

        Origin.Serve("/known/elsewhere/copy.jpg", photo.Bytes);
        Assert.That((await _proxy.GetAsync("/known/elsewhere/copy.jpg")).Status, Is.EqualTo(200));
        await _proxy.WaitUntilBlockedAsync("/known/elsewhere/copy.jpg");

        var detection = (await _proxy.SharedStore.GetDetectionsAsync(Zone, null, 100)).Single(d => d.Url.EndsWith("/known/elsewhere/copy.jpg", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(detection.EntryId, Is.EqualTo(photo.Id));
            Assert.That(_proxy.Process.Output, Does.Contain($"Detection {detection.Id} in zone {Zone}: http://{Host}/known/elsewhere/copy.jpg matched list known-pdq (known-digest)"));
        });
    }

    [Test]
    public async Task An_md5_list_entry_blocks_the_object()
    {
        Origin.Serve("/md5/listed.jpg", TestImages.Distinct[0].Bytes);

        Assert.That((await _proxy.GetAsync("/md5/listed.jpg")).Status, Is.EqualTo(200));
        await _proxy.WaitUntilBlockedAsync("/md5/listed.jpg");

        var detection = (await _proxy.SharedStore.GetDetectionsAsync(Zone, null, 100)).Single(d => d.Url.EndsWith("/md5/listed.jpg", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(detection.List, Is.EqualTo("known-md5"));
            Assert.That(detection.EntryId, Is.EqualTo("md5-entry"));
        });
    }

    [Test]
    public async Task Hostile_bodies_are_counted_errors_while_the_proxy_goes_on_serving_and_scanning()
    {
        var hostile = new (string Path, byte[] Body, string Reason)[]
        {
            ("/hostile/truncated.jpg", TestImages.Truncated(TestImages.Listed[0].Bytes), "truncated"),
            ("/hostile/huge.png", TestImages.PngHeader(20000, 20000), "too-large"),
            ("/hostile/random.jpg", TestImages.JpegSignatureThenRandom(64 * 1024), "corrupt"),
            ("/hostile/bomb.gif", TestImages.GifBomb(65535, 65535), "too-large"),
        };

        foreach (var (path, body, _) in hostile)
        {
            Origin.Serve(path, body);
            var served = await _proxy.GetAsync(path);
            Assert.That(served.Status, Is.EqualTo(200), path);
            Assert.That(served.Body, Is.EqualTo(body), path);
        }

        foreach (var (path, _, reason) in hostile)
        {
            await _proxy.Process.WaitForOutputAsync($"http://{Host}{path} could not be judged: {reason}.", Patience);
        }

        Origin.Serve("/hostile/then-listed.jpg", PhotoEdits.Recompressed(TestImages.Listed[2].Bytes, 50));
        await _proxy.GetAsync("/hostile/then-listed.jpg");
        await _proxy.WaitUntilBlockedAsync("/hostile/then-listed.jpg");
        foreach (var (path, _, _) in hostile)
        {
            Assert.That(await _proxy.StatusAsync(path), Is.EqualTo(200), path);
        }
    }

    [Test]
    public async Task An_unblocked_object_served_again_under_its_url_is_not_blocked_again()
    {
        Origin.Serve("/reviewed.jpg", PhotoEdits.Resized(TestImages.Listed[1].Bytes, 0.75));
        await _proxy.GetAsync("/reviewed.jpg");
        await _proxy.WaitUntilBlockedAsync("/reviewed.jpg");

        using var unblock = await _proxy.Process.AdminClient.DeleteAsync($"/api/v1/blocks?zone={Zone}&url={Uri.EscapeDataString($"http://{Host}/reviewed.jpg")}");
        Assert.That(unblock.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        var again = await _proxy.GetAsync("/reviewed.jpg");
        await _proxy.WaitUntilJudgedAsync("/reviewed.jpg", "Clean (allowed)");

        Assert.Multiple(async () =>
        {
            Assert.That(again.Status, Is.EqualTo(200));
            Assert.That(await _proxy.StatusAsync("/reviewed.jpg"), Is.EqualTo(200));
            Assert.That((await _proxy.SharedStore.GetBlocksAsync(Zone)).Where(b => b.Url.EndsWith("/reviewed.jpg", StringComparison.Ordinal)), Is.Empty);
        });
    }
}
