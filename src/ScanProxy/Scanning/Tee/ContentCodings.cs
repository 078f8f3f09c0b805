using Microsoft.Extensions.Primitives;

namespace ScanProxy.Scanning.Tee;

/// <summary>Parses <c>Content-Encoding</c>.</summary>
internal static class ContentCodings
{
    /// <summary>The coding named by the header's value (absent or empty means identity).</summary>
    public static ContentCoding Parse(StringValues contentEncoding)
    {
        if (contentEncoding.Count == 0)
        {
            return ContentCoding.Identity;
        }

        if (contentEncoding.Count > 1)
        {
            return ContentCoding.Unsupported;
        }

        var value = contentEncoding[0].AsSpan().Trim();
        return value switch
        {
            [] => ContentCoding.Identity,
            _ when value.Equals("identity", StringComparison.OrdinalIgnoreCase) => ContentCoding.Identity,
            _ when value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || value.Equals("x-gzip", StringComparison.OrdinalIgnoreCase) => ContentCoding.Gzip,
            _ when value.Equals("br", StringComparison.OrdinalIgnoreCase) => ContentCoding.Brotli,
            _ when value.Equals("deflate", StringComparison.OrdinalIgnoreCase) => ContentCoding.Deflate,
            _ => ContentCoding.Unsupported,
        };
    }
}
