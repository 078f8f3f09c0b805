using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ScanProxy.Scanning;

namespace ScanProxy.EndToEnd.Tests.Scanning;

/// <summary>
/// A real Kestrel origin on 127.0.0.1 serving the bodies a test puts at paths (404 elsewhere), and recording every
/// request, so that a test can tell the scanner's own fetches (marked <see cref="OriginFetcher.FetchHeader"/>) apart.
/// </summary>
internal sealed class PhotoOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (byte[] Body, string ContentType, string? ETag)> _objects = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Path, bool ScanFetch)> _requests = new();

    private PhotoOrigin(WebApplication app) => _app = app;

    /// <summary>The origin's base URL.</summary>
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

    /// <summary>Serves <paramref name="body"/> at <paramref name="path"/> from now on, with <paramref name="etag"/> when given.</summary>
    public void Serve(string path, byte[] body, string contentType = "image/jpeg", string? etag = null) => _objects[path] = (body, contentType, etag);

    /// <summary>How many times the scanner fetched <paramref name="path"/> itself.</summary>
    public int ScanFetches(string path) => _requests.Count(r => r.ScanFetch && r.Path == path);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        _requests.Enqueue((path, context.Request.Headers.ContainsKey(OriginFetcher.FetchHeader)));
        if (!_objects.TryGetValue(path, out var served))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = served.ContentType;
        if (served.ETag is not null)
        {
            context.Response.Headers.ETag = served.ETag;
        }

        context.Response.ContentLength = served.Body.Length;
        await context.Response.Body.WriteAsync(served.Body);
    }
}
