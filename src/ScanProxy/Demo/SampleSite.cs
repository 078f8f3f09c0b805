using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ScanProxy.Demo;

/// <summary>
/// The demo's origin: a small website on 127.0.0.1 (Kestrel, in this process) with a page showing the sample photos
/// and the photos themselves under <c>/photos/</c>, with Range and HEAD as any web server.
/// </summary>
internal sealed class SampleSite : IAsyncDisposable
{
    private static readonly string[] s_getAndHead = [HttpMethods.Get, HttpMethods.Head];

    private readonly WebApplication _app;

    private SampleSite(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The site's address, e.g. http://127.0.0.1:41234.</summary>
    public string Url { get; }

    public static async Task<SampleSite> StartAsync(IReadOnlyList<DemoSample> samples)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();

        var page = Encoding.UTF8.GetBytes(IndexPage(samples));
        app.MapMethods("/", s_getAndHead, () => Results.Bytes(page, "text/html; charset=utf-8"));
        foreach (var sample in samples)
        {
            app.MapMethods("/photos/" + sample.FileName, s_getAndHead, () => Results.File(sample.Bytes, "image/jpeg", enableRangeProcessing: true));
        }

        await app.StartAsync();
        return new SampleSite(app, app.Urls.Single());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string IndexPage(IReadOnlyList<DemoSample> samples)
    {
        var html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>ScanProxy demo site</title></head><body>\n<h1>ScanProxy demo site</h1>\n");
        foreach (var sample in samples)
        {
            var name = WebUtility.HtmlEncode(sample.FileName);
            html.Append("<figure><img src=\"/photos/").Append(name).Append("\" alt=\"").Append(name).Append("\"><figcaption>").Append(name).Append("</figcaption></figure>\n");
        }

        return html.Append("</body></html>\n").ToString();
    }
}
