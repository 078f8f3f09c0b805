using System.Diagnostics;
using ScanProxy.EndToEnd.Tests.Infrastructure;

namespace ScanProxy.EndToEnd.Tests.Telemetry;

/// <summary>
/// What the origin is told of a request's trace: with tracing off (the default) the edge adds no trace context of its
/// own and passes a client's on as sent; with OTLP tracing on, the edge continues the client's trace.
/// </summary>
public sealed class TraceContextTests
{
    private const string ClientTraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string ClientSpanId = "b7ad6b7169203331";
    private const string ClientTraceParent = $"00-{ClientTraceId}-{ClientSpanId}-01";
    private const string ClientTraceState = "vendor=value";

    private TestOrigin _origin = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _origin = await TestOrigin.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _origin.DisposeAsync();

    [Test]
    public async Task Tracing_off_adds_no_trace_context_and_passes_the_clients_on_as_sent()
    {
        await using var proxy = await StartProxyAsync(new Dictionary<string, string>());

        await SendAsync(proxy, "/trace/off/none", traced: false);
        await SendAsync(proxy, "/trace/off/client", traced: true);

        var none = _origin.Requests.Single(r => r.RawTarget == "/trace/off/none");
        var client = _origin.Requests.Single(r => r.RawTarget == "/trace/off/client");
        Assert.Multiple(() =>
        {
            Assert.That(none.Headers.ContainsKey("traceparent"), Is.False, "a trace context no tracer records");
            Assert.That(client.Headers["traceparent"], Is.EqualTo(ClientTraceParent));
            Assert.That(client.Headers["tracestate"], Is.EqualTo(ClientTraceState));
        });
    }

    [Test]
    public async Task Otlp_tracing_on_continues_the_clients_trace_towards_the_origin()
    {
        // Nothing listens there: the spans are dropped, the trace context is what is looked at.
        await using var proxy = await StartProxyAsync(new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{FreePort.Next()}",
        });

        await SendAsync(proxy, "/trace/on/none", traced: false);
        await SendAsync(proxy, "/trace/on/client", traced: true);

        var none = _origin.Requests.Single(r => r.RawTarget == "/trace/on/none");
        var client = _origin.Requests.Single(r => r.RawTarget == "/trace/on/client").Headers["traceparent"].Split('-');
        Assert.Multiple(() =>
        {
            Assert.That(none.Headers["traceparent"], Does.Match("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$"), "a trace started at the edge");
            Assert.That(client[1], Is.EqualTo(ClientTraceId), "the client's trace");
            Assert.That(client[2], Is.Not.EqualTo(ClientSpanId), "the edge's own span as parent");
        });
    }

    private Task<ProxyProcess> StartProxyAsync(Dictionary<string, string> environment)
    {
        environment["ScanProxy__Zones__shop__Hosts__0"] = "shop.example";
        environment["ScanProxy__Zones__shop__Origins__0"] = _origin.Url;
        return ProxyProcess.StartWithEnvironmentAsync([], environment);
    }

    private static async Task SendAsync(ProxyProcess proxy, string path, bool traced)
    {
        // The test's own client adds no trace context, whatever listens in this process: only what is set below.
        using var client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{proxy.EdgePort}{path}");
        request.Headers.Host = "shop.example";
        if (traced)
        {
            request.Headers.TryAddWithoutValidation("traceparent", ClientTraceParent);
            request.Headers.TryAddWithoutValidation("tracestate", ClientTraceState);
        }

        using var response = await client.SendAsync(request);
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo($"origin saw GET {path}"));
    }
}
