using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace ScanProxy.EndToEnd.Tests.Infrastructure;

/// <summary>Operator actions through a proxy's admin API (SPEC §7).</summary>
internal static class AdminApi
{
    /// <summary>POST /api/v1/blocks on this proxy; the status code it answered.</summary>
    public static async Task<int> BlockAsync(this ProxyProcess proxy, string apiKey, string zone, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/blocks")
        {
            Content = JsonContent.Create(new { zone, url, reason = "end-to-end test" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await proxy.AdminClient.SendAsync(request);
        return (int)response.StatusCode;
    }
}
