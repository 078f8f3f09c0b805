using Microsoft.AspNetCore.Builder;
using Yarp.ReverseProxy.Model;

namespace ScanProxy.Scanning.Tee;

/// <summary>Adds the scanner's tee to YARP's proxy pipeline.</summary>
internal static class ScanTeeProxyPipelineExtensions
{
    /// <summary>
    /// Tees image responses into the scanner (Async mode) or holds them for a verdict (Hold mode). Add it after
    /// blocking, so that it sees every response served and none refused. Needs an <see cref="IScanService"/>.
    /// </summary>
    public static IReverseProxyApplicationBuilder UseScanTee(this IReverseProxyApplicationBuilder proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        proxy.UseMiddleware<ScanTeeMiddleware>();
        return proxy;
    }
}
