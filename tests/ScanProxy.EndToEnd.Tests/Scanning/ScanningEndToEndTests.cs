using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ScanProxy.EndToEnd.Tests.Infrastructure;
using ScanProxy.Tests.Scanning;

namespace ScanProxy.EndToEnd.Tests.Scanning;

/// <summary>
/// The loop of issue 6 through the real process: an image served by a real origin is teed, scanned and, when it
/// matches a list, its URL answers 451 from then on (SPEC §4-§6).
/// </summary>
public sealed class ScanningEndToEndTests : ScanningTestBase
{
    [Test]
    public async Task Edited_copies_of_listed_photos_are_served_once_and_then_blocked()
    {
        await StartProxyAsync();
        await WaitUntilReadyAsync();
        var edits = new Dictionary<string, byte[]>
        {
            ["/edited/half-size.jpg"] = PhotoEdits.Resized(TestImages.Listed[0].Bytes, 0.5),
            ["/edited/quality-30.jpg"] = PhotoEdits.Recompressed(TestImages.Listed[1].Bytes, 30),
            ["/edited/mirrored.jpg"] = PhotoEdits.Mirrored(TestImages.Listed[2].Bytes),
        };

        foreach (var (path, bytes) in edits)
        {
            Origin.Serve(path, bytes);
            var (status, body) = await GetAsync(path);
            Assert.That(status, Is.EqualTo(200), path);
            Assert.That(body, Is.EqualTo(bytes), path);
        }

        foreach (var path in edits.Keys)
        {
            await WaitUntilBlockedAsync(path);
        }

        var detections = await TestStore.GetDetectionsAsync(Zone, null, 10);
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
        await StartProxyAsync();
        await WaitUntilReadyAsync();

        foreach (var photo in TestImages.Distinct)
        {
            var path = $"/distinct/{photo.Id}.jpg";
            Origin.Serve(path, photo.Bytes);
            Assert.That((await GetAsync(path)).Status, Is.EqualTo(200));
        }

        foreach (var photo in TestImages.Distinct)
        {
            var digest = Convert.ToHexStringLower(SHA256.HashData(photo.Bytes));
            await Eventually.TrueAsync(async () => await TestStore.GetVerdictAsync(digest) is { Result: "clean" }, Patience, $"{photo.Id} to be judged clean");
            Assert.That(await Proxy.StatusAsync(Host, $"/distinct/{photo.Id}.jpg"), Is.EqualTo(200));
        }

        Assert.That(await TestStore.GetDetectionsAsync(Zone, null, 10), Is.Empty);
    }

    [Test]
    public async Task A_known_bad_image_under_a_new_url_is_blocked_from_its_digest()
    {
        await StartProxyAsync();
        await WaitUntilReadyAsync();
        var photo = TestImages.Listed[3];
        Origin.Serve("/first/bad.jpg", photo.Bytes);
        await GetAsync("/first/bad.jpg");
        await WaitUntilBlockedAsync("/first/bad.jpg");

        Origin.Serve("/second/copy.jpg", photo.Bytes);
        Assert.That((await GetAsync("/second/copy.jpg")).Status, Is.EqualTo(200));
        await WaitUntilBlockedAsync("/second/copy.jpg");

        var detection = (await TestStore.GetDetectionsAsync(Zone, null, 10)).Single(d => d.Url.EndsWith("/second/copy.jpg", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(detection.EntryId, Is.EqualTo(photo.Id));
            Assert.That(Proxy.Output, Does.Contain($"Detection {detection.Id} in zone {Zone}: http://{Host}/second/copy.jpg matched list known-pdq (known-digest)"));
        });
    }

    [Test]
    public async Task An_md5_list_entry_blocks_the_object()
    {
        var photo = TestImages.Distinct[0];
        File.WriteAllLines(Md5ListPath, [$"{TestImages.Md5Hex(photo.Bytes)},md5-entry"]);
        await StartProxyAsync();
        await WaitUntilReadyAsync();
        Origin.Serve("/md5/listed.jpg", photo.Bytes);

        Assert.That((await GetAsync("/md5/listed.jpg")).Status, Is.EqualTo(200));
        await WaitUntilBlockedAsync("/md5/listed.jpg");

        var detection = (await TestStore.GetDetectionsAsync(Zone, null, 10)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(detection.List, Is.EqualTo("known-md5"));
            Assert.That(detection.EntryId, Is.EqualTo("md5-entry"));
        });
    }

    [Test]
    public async Task Hostile_bodies_are_counted_errors_while_the_proxy_goes_on_serving_and_scanning()
    {
        await StartProxyAsync();
        await WaitUntilReadyAsync();
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
            var served = await GetAsync(path);
            Assert.That(served.Status, Is.EqualTo(200), path);
            Assert.That(served.Body, Is.EqualTo(body), path);
        }

        foreach (var (path, _, reason) in hostile)
        {
            await Proxy.WaitForOutputAsync($"http://{Host}{path} could not be judged: {reason}.", Patience);
        }

        Origin.Serve("/after/listed.jpg", TestImages.Listed[1].Bytes);
        await GetAsync("/after/listed.jpg");
        await WaitUntilBlockedAsync("/after/listed.jpg");
        foreach (var (path, _, _) in hostile)
        {
            Assert.That(await Proxy.StatusAsync(Host, path), Is.EqualTo(200), path);
        }
    }

    [Test]
    public async Task When_the_queue_is_full_objects_are_remembered_in_the_store_then_fetched_and_blocked()
    {
        await StartProxyAsync(new JsonObject { ["Workers"] = 1, ["QueueCapacity"] = 1 });
        await WaitUntilReadyAsync();
        var paths = new List<string>();
        foreach (var photo in TestImages.Listed)
        {
            foreach (var (edit, bytes) in new[]
            {
                ("three-quarters", PhotoEdits.Resized(photo.Bytes, 0.75)),
                ("q30", PhotoEdits.Recompressed(photo.Bytes, 30)),
                ("mirrored", PhotoEdits.Mirrored(photo.Bytes)),
            })
            {
                var path = $"/burst/{photo.Id}-{edit}.jpg";
                Origin.Serve(path, bytes);
                paths.Add(path);
            }
        }

        var statuses = await Task.WhenAll(paths.Select(async path => (await GetAsync(path)).Status));
        foreach (var path in paths)
        {
            await WaitUntilBlockedAsync(path);
        }

        Assert.Multiple(() =>
        {
            Assert.That(statuses, Is.All.EqualTo(200));
            Assert.That(paths.Sum(Origin.ScanFetches), Is.GreaterThan(0), "some objects were deferred and fetched again by the scanner");
        });
    }

    [Test]
    public async Task An_unblocked_object_served_again_under_its_url_is_not_blocked_again()
    {
        // One worker judges objects in the order they were served, so a later block shows the earlier one was judged.
        await StartProxyAsync(new JsonObject { ["Workers"] = 1 });
        await WaitUntilReadyAsync();
        Origin.Serve("/reviewed.jpg", TestImages.Listed[0].Bytes);
        await GetAsync("/reviewed.jpg");
        await WaitUntilBlockedAsync("/reviewed.jpg");

        using var unblock = await Proxy.AdminClient.DeleteAsync($"/api/v1/blocks?zone={Zone}&url={Uri.EscapeDataString($"http://{Host}/reviewed.jpg")}");
        Assert.That(unblock.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await Eventually.TrueAsync(async () => await Proxy.StatusAsync(Host, "/reviewed.jpg") == 200, Patience, "the unblock to reach the edge");
        Origin.Serve("/marker.jpg", TestImages.Listed[1].Bytes);
        await GetAsync("/marker.jpg");
        await WaitUntilBlockedAsync("/marker.jpg");

        Assert.Multiple(async () =>
        {
            Assert.That(await Proxy.StatusAsync(Host, "/reviewed.jpg"), Is.EqualTo(200));
            Assert.That((await TestStore.GetBlocksAsync(Zone)).Select(b => b.Url), Is.EqualTo(new[] { $"http://{Host}/marker.jpg" }));
        });
    }
}
