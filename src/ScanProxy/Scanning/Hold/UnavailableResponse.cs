using System.Text;
using Microsoft.AspNetCore.Http;

namespace ScanProxy.Scanning.Hold;

/// <summary>
/// What a zone that fails closed answers for an image it holds but cannot judge (scanner error, timeout, full
/// queue, an image over Scanner:MaxObjectBytes): 503, not the block status, because nothing is known against the
/// image; <c>no-store</c> so that no cache keeps the refusal.
/// </summary>
internal static class UnavailableResponse
{
    private static readonly byte[] s_body = Encoding.UTF8.GetBytes(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Temporarily unavailable</title></head>"
        + "<body><h1>Temporarily unavailable</h1><p>This content could not be checked and is not served now.</p></body></html>\n");

    /// <summary>Writes the answer. The response must not have started.</summary>
    public static Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        response.Clear();
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.CacheControl = "no-store";
        response.ContentType = "text/html; charset=utf-8";
        response.ContentLength = s_body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(s_body).AsTask();
    }
}
