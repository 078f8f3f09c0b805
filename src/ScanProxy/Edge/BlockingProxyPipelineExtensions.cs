using Microsoft.AspNetCore.Builder;
using Yarp.ReverseProxy.Model;

namespace ScanProxy.Edge;

/// <summary>Adds blocking to YARP's proxy pipeline.</summary>
internal static class BlockingProxyPipelineExtensions
{
    /// <summary>Answers blocked URLs before anything is forwarded; add it first.</summary>
    public static IReverseProxyApplicationBuilder UseBlocking(this IReverseProxyApplicationBuilder proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        proxy.UseMiddleware<BlockingMiddleware>();
        return proxy;
    }
}
