using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;

namespace ScanProxy.Hosting;

/// <summary>
/// Keeps the two listeners apart in one routing table: on the edge listener only endpoints carrying
/// <see cref="EdgeEndpointMetadata"/> (the proxy's routes) match; on the admin listener only the others do. So
/// <c>/api/v1/zones</c> on a site's host name is forwarded to the site, and a site's host name sent to the admin
/// port reaches no origin.
/// </summary>
internal sealed class ListenerMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    // After the built-in policies (host, method), which narrow the candidates first.
    public override int Order => 1000;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => endpoints.Count > 0;

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(candidates);

        var admin = AdminConnectionFeature.IsAdmin(httpContext);
        for (var i = 0; i < candidates.Count; i++)
        {
            var edge = candidates[i].Endpoint.Metadata.GetMetadata<EdgeEndpointMetadata>() is not null;
            if (edge == admin)
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }
}
