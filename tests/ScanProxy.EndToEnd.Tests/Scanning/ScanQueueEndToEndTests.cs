using System.Text.Json.Nodes;
using ScanProxy.Tests.Scanning;

namespace ScanProxy.EndToEnd.Tests.Scanning;

/// <summary>Back-pressure through the real process (SPEC §4): a full scan queue defers to the store, never drops.</summary>
public sealed class ScanQueueEndToEndTests : ScanningTestBase
{
    [Test]
    public async Task When_the_queue_is_full_objects_are_remembered_in_the_store_then_fetched_and_blocked()
    {
        await using var proxy = await StartProxyAsync(new JsonObject { ["Workers"] = 1, ["QueueCapacity"] = 1 });
        await proxy.WaitUntilReadyAsync();
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

        var statuses = await Task.WhenAll(paths.Select(async path => (await proxy.GetAsync(path)).Status));
        foreach (var path in paths)
        {
            await proxy.WaitUntilBlockedAsync(path);
        }

        Assert.Multiple(() =>
        {
            Assert.That(statuses, Is.All.EqualTo(200));
            Assert.That(paths.Sum(Origin.ScanFetches), Is.GreaterThan(0), "some objects were deferred and fetched again by the scanner");
        });
    }
}
