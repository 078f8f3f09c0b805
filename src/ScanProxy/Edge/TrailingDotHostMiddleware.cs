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
        var host = context.Request.Host;
        if (host.HasValue && host.Host.Length > 1 && host.Host[^1] == '.')
        {
            context.Request.Host = host.Port is { } port ? new HostString(host.Host[..^1], port) : new HostString(host.Host[..^1]);
        }

        return _next(context);
    }
}
