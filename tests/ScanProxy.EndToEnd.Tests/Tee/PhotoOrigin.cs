using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ScanProxy.EndToEnd.Tests.Tee;

/// <summary>
/// A real Kestrel origin on 127.0.0.1 serving the objects a test adds, as a web server does: Range and HEAD
/// supported, the Content-Type and Content-Encoding the test says. It records every request, and whether it was
/// the scanner's own fetch (<c>X-ScanProxy-Scan-Fetch</c>).
/// </summary>
/// <remarks>
/// A <c>slow</c> object sends its first <see cref="SlowPrefix"/> bytes and then waits (at most 10 s) for the client
/// to go away before sending the rest, so that a test can abort a download in the middle. The scanner's fetch of it
/// is served whole at once.
/// </remarks>
internal sealed class PhotoOrigin : IAsyncDisposable
{
    public const int SlowPrefix = 1024;
    private const string FetchHeader = "X-ScanProxy-Scan-Fetch";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Entry> _objects = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Method, string Path, bool Fetch)> _requests = new();

    private PhotoOrigin(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public static async Task<PhotoOrigin> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var origin = new PhotoOrigin(app);
        app.Run(origin.HandleAsync);
        await app.StartAsync();
        origin.Url = app.Urls.Single();
        return origin;
    }

    /// <summary>Serves <paramref name="body"/> at <paramref name="path"/>.</summary>
    public void Add(string path, byte[] body, string contentType, string? contentEncoding = null, bool slow = false) =>
        _objects[path] = new Entry(body, contentType, contentEncoding, slow);

    /// <summary>True when the scanner fetched <paramref name="path"/> from here.</summary>
    public bool WasFetchedByScanner(string path) => _requests.Any(r => r.Fetch && r.Path == path);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var fetch = context.Request.Headers.ContainsKey(FetchHeader);
        _requests.Enqueue((context.Request.Method, path, fetch));
        if (!_objects.TryGetValue(path, out var entry))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (entry.ContentEncoding is not null)
        {
            context.Response.Headers.ContentEncoding = entry.ContentEncoding;
        }

        if (entry.Slow && !fetch && HttpMethods.IsGet(context.Request.Method))
        {
            await SendSlowlyAsync(context, entry);
            return;
        }

        await Results.File(entry.Body, entry.ContentType, enableRangeProcessing: true).ExecuteAsync(context);
    }

    private static async Task SendSlowlyAsync(HttpContext context, Entry entry)
    {
        var response = context.Response;
        response.ContentType = entry.ContentType;
        response.ContentLength = entry.Body.Length;
        await response.Body.WriteAsync(entry.Body.AsMemory(0, SlowPrefix));
        await response.Body.FlushAsync();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
            await response.Body.WriteAsync(entry.Body.AsMemory(SlowPrefix));
        }
        catch (OperationCanceledException)
        {
            // The proxy gave up the download when its client went away.
        }
    }

    private sealed record Entry(byte[] Body, string ContentType, string? ContentEncoding, bool Slow);
}
