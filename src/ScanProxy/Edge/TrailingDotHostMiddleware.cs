using Microsoft.AspNetCore.Http;

namespace ScanProxy.Edge;

/// <summary>
/// Drops a trailing dot from the Host header before routing, so that <c>shop.example.</c> reaches the zone of
/// <c>shop.example</c> (SPEC §4) and its blocklist. Routing matches host names literally.
/// </summary>
internal sealed class TrailingDotHostMiddleware
{
    private readonly RequestDelegate _next;

    public TrailingDotHostMiddleware(RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(next);
        _next = next;
    }

    public Task InvokeAsync(HttpContext context)
    {
        // On the raw header value: HostString.Host would allocate for every Host with a port.
        var value = context.Request.Host.Value;
        var host = Zones.HostName.WithoutPort(value);
        if (host.Length > 1 && host[^1] == '.')
        {
            context.Request.Host = new HostString(string.Concat(host[..^1], value.AsSpan(host.Length)));
        }

        return _next(context);
    }
}
