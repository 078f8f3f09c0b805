using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace ScanProxy.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A real Kestrel origin on 127.0.0.1, port 0, in the test process. It records every request it receives, so a
/// test can prove that something was, or was not, forwarded.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>GET /large/N</c> streams N bytes of <see cref="PatternByte"/>.</item>
/// <item><c>GET /gate/ID</c> sends 64 KiB, then waits until <see cref="OpenGate"/> (at most 10 s), then 64 KiB more.</item>
/// <item>A request with a body is answered with that body.</item>
/// <item>Anything else is answered <c>origin saw METHOD TARGET</c>.</item>
/// </list>
/// </remarks>
internal sealed class TestOrigin : IAsyncDisposable
{
    public const int GateChunk = 64 * 1024;

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OriginRequest> _requests = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();

    private TestOrigin(WebApplication app) => _app = app;

    /// <summary>The origin's base URL, e.g. http://127.0.0.1:41234.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Every request received so far, in order.</summary>
    public IReadOnlyList<OriginRequest> Requests => [.. _requests];

    public static async Task<TestOrigin> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        var origin = new TestOrigin(app);
        app.Run(origin.HandleAsync);
        await app.StartAsync();
        origin.Url = app.Urls.Single();
        return origin;
    }

    /// <summary>The byte at <paramref name="offset"/> of a <c>/large</c> body.</summary>
    public static byte PatternByte(long offset) => (byte)((offset * 31) + (offset >> 16));

    /// <summary>Requests whose target contains <paramref name="fragment"/>.</summary>
    public int CountRequests(string fragment) => _requests.Count(r => r.RawTarget.Contains(fragment, StringComparison.Ordinal));

    /// <summary>Lets the <c>/gate/ID</c> response finish.</summary>
    public void OpenGate(string id) => _gates.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async ValueTask DisposeAsync()
    {
        foreach (var gate in _gates.Values)
        {
            gate.TrySetResult();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        var bytes = body.ToArray();
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new OriginRequest(request.Method, target, headers, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))));

        var response = context.Response;
        response.Headers["X-Origin"] = "test-origin";
        if (request.Path.StartsWithSegments("/large", out var rest) && long.TryParse(rest.Value![1..], out var length))
        {
            await WritePatternAsync(response, length);
        }
        else if (request.Path.StartsWithSegments("/gate", out var id))
        {
            var gate = _gates.GetOrAdd(id.Value![1..], _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            await response.Body.WriteAsync(new byte[GateChunk]);
            await response.Body.FlushAsync();
            await gate.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await response.Body.WriteAsync(new byte[GateChunk]);
        }
        else if (bytes.Length > 0)
        {
            response.ContentType = request.ContentType;
            await response.Body.WriteAsync(bytes);
        }
        else
        {
            response.ContentType = "text/plain";
            await response.WriteAsync($"origin saw {request.Method} {target}", Encoding.UTF8);
        }
    }

    private static async Task WritePatternAsync(HttpResponse response, long length)
    {
        var buffer = new byte[64 * 1024];
        for (long offset = 0; offset < length; offset += buffer.Length)
        {
            var count = (int)Math.Min(buffer.Length, length - offset);
            for (var i = 0; i < count; i++)
            {
                buffer[i] = PatternByte(offset + i);
            }

            await response.Body.WriteAsync(buffer.AsMemory(0, count));
        }
    }
}

/// <summary>One request as the origin received it.</summary>
internal sealed record OriginRequest(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers, long BodyLength, string BodySha256);
