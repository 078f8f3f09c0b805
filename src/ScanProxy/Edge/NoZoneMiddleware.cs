using System.Text;
using Microsoft.AspNetCore.Http;
using ScanProxy.Hosting;

namespace ScanProxy.Edge;

/// <summary>
/// Answers an edge request whose host belongs to no zone: 404 with a short text, nothing forwarded (SPEC §4).
/// Runs after routing: no matched endpoint on the edge listener means no zone.
/// </summary>
internal sealed class NoZoneMiddleware
{
    private static readonly byte[] s_body = Encoding.UTF8.GetBytes("404: no site is served under this host name.\n");

    private readonly RequestDelegate _next;

    public NoZoneMiddleware(RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(next);
        _next = next;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is not null || AdminConnectionFeature.IsAdmin(context))
        {
            return _next(context);
        }

        return WriteAsync(context);
    }

    /// <summary>Writes the no-zone answer.</summary>
    public static Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status404NotFound;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = s_body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(s_body).AsTask();
    }
}
