using System.Text;
using Microsoft.AspNetCore.Http;
using ScanProxy.Hosting;
using ScanProxy.Scanning;
using ScanProxy.Telemetry;

namespace ScanProxy.Edge;

/// <summary>
/// Answers an edge request whose host belongs to no zone: 404 with a short text, nothing forwarded (SPEC §4).
/// Runs after routing: no matched endpoint on the edge listener means no zone.
/// </summary>
internal sealed class NoZoneMiddleware
{
    private static readonly byte[] s_body = Encoding.UTF8.GetBytes("404: no site is served under this host name.\n");

    private readonly RequestDelegate _next;
    private readonly EdgeRequestMetrics _requests;

    public NoZoneMiddleware(RequestDelegate next, ScanMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(metrics);
        _next = next;
        _requests = metrics.Requests;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is not null || AdminConnectionFeature.IsAdmin(context))
        {
            return _next(context);
        }

        _requests.NoZone();
        return WriteAsync(context);
    }

    /// <summary>Writes the no-zone answer; the caller counts it.</summary>
    public static Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status404NotFound;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = s_body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(s_body).AsTask();
    }
}
