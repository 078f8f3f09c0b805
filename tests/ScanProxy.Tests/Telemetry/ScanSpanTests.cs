using System.Collections.Concurrent;
using System.Diagnostics;
using ScanProxy.Scanning;
using ScanProxy.Telemetry;

// In the scanner tests' namespace: their [SetUpFixture] (ScanningRedis) starts the redis-server a node needs.
namespace ScanProxy.Tests.Scanning;

/// <summary>
/// The scan spans on the <c>ScanProxy</c> activity source, heard through a real <see cref="ActivityListener"/> while a
/// real scanner node (real redis-server, real lists) judges a photo: one <c>scan</c> span with a child per stage.
/// </summary>
public sealed class ScanSpanTests : ScannerTestBase
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private ActivityListener _listener = null!;

    [SetUp]
    public void Listen()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ScanProxyMeter.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [TearDown]
    public void StopListening() => _listener.Dispose();

    [Test]
    public async Task A_scan_is_one_span_with_the_digest_hash_and_match_stages_as_children()
    {
        var node = await StartNodeAsync();
        var url = $"http://shop.example/spans/{Guid.NewGuid():N}.jpg";

        var outcome = await node.ScanAsync(url, TestImages.Distinct[0].Bytes);

        Assert.That(outcome.Result, Is.EqualTo(ScanResult.Clean));
        var scan = _stopped.Single(a => a.OperationName == "scan" && Equals(a.GetTagItem("url.full"), url));
        var stages = _stopped.Where(a => a.ParentSpanId == scan.SpanId && a.TraceId == scan.TraceId).Select(a => a.OperationName);
        Assert.That(stages, Is.EqualTo(new[] { "digest", "decode", "hash", "match" }));
    }
}
