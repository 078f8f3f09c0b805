using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ScanProxy.Scanning.Tee;

/// <summary>What the tee reads from a response's status and headers, once they are final (at its first write or start).</summary>
internal static class ScannableResponse
{
    /// <summary>How the response can tell the scanner about its object.</summary>
    public static ResponseKind Classify(HttpContext context)
    {
        var method = context.Request.Method;
        var status = context.Response.StatusCode;
        if (HttpMethods.IsGet(method))
        {
            return status switch
            {
                StatusCodes.Status200OK => ResponseKind.Full,
                StatusCodes.Status206PartialContent => ResponseKind.Partial,
                _ => ResponseKind.Ignored,
            };
        }

        return HttpMethods.IsHead(method) && status == StatusCodes.Status200OK ? ResponseKind.Head : ResponseKind.Ignored;
    }

    /// <summary>
    /// True when the Content-Type is <c>image/*</c>: the only signal a response without a body (HEAD) or with part of
    /// one (206) gives; a full body is judged by its bytes instead.
    /// </summary>
    public static bool HasImageContentType(HttpResponse response) =>
        response.ContentType is { } type && type.AsSpan().TrimStart().StartsWith("image/", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when a 206 carries the object's first bytes (<c>Content-Range: bytes 0-</c>), so they can be sniffed.</summary>
    public static bool StartsAtZero(HttpResponse response)
    {
        var range = response.Headers[HeaderNames.ContentRange].ToString().AsSpan().Trim();
        if (!range.StartsWith("bytes", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        range = range["bytes".Length..].TrimStart();
        return range.StartsWith("0-", StringComparison.Ordinal);
    }
}
