using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace ScanProxy.Tests.Tee;

/// <summary>
/// A real Kestrel origin on 127.0.0.1 serving the tee's test bodies, with Range and HEAD support as a web server
/// has. Query strings are ignored, as a static file server would, but for <c>/tagged.jpg</c>.
/// </summary>
/// <remarks>
/// <c>/photo.jpg</c> and <c>/big.png</c> (image types), <c>/photo.txt</c> (a JPEG sent as text/plain),
/// <c>/page.html</c>, <c>/photo.jpg.gz</c> (a JPEG with <c>Content-Encoding: gzip</c>), <c>/tagged.jpg?etag=E</c> (the JPEG
/// with the ETag E).
/// </remarks>
internal sealed class ImageOrigin : IAsyncDisposable
{
    private static readonly string[] s_getAndHead = [HttpMethods.Get, HttpMethods.Head];

    private readonly WebApplication _app;

    private ImageOrigin(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public static async Task<ImageOrigin> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapMethods("/photo.jpg", s_getAndHead, () => Results.File(TeeTestData.Jpeg, "image/jpeg", enableRangeProcessing: true));
        app.MapMethods("/big.png", s_getAndHead, () => Results.File(TeeTestData.Png, "image/png", enableRangeProcessing: true));
        app.MapMethods("/tagged.jpg", s_getAndHead, (HttpContext context) =>
            Results.File(TeeTestData.Jpeg, "image/jpeg", enableRangeProcessing: true, entityTag: EntityTagHeaderValue.Parse(context.Request.Query["etag"].ToString())));
        app.MapMethods("/photo.txt", s_getAndHead, () => Results.File(TeeTestData.Jpeg, "text/plain"));
        app.MapMethods("/page.html", s_getAndHead, () => Results.File(TeeTestData.Html, "text/html; charset=utf-8"));
        app.MapMethods("/photo.jpg.gz", s_getAndHead, (HttpContext context) =>
        {
            context.Response.Headers.ContentEncoding = "gzip";
            return Results.File(TeeTestData.Gzip(TeeTestData.Jpeg), "image/jpeg");
        });
        await app.StartAsync();
        var origin = new ImageOrigin(app) { Url = app.Urls.Single() };
        return origin;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
