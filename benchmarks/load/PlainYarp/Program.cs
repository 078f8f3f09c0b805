using Yarp.ReverseProxy.Configuration;

// A plain YARP pass-through: one catch-all route to one origin, nothing else in the pipeline.
// Usage: PlainYarp --urls http://127.0.0.1:PORT --Origin http://127.0.0.1:ORIGIN_PORT
var builder = WebApplication.CreateBuilder(args);
var origin = builder.Configuration["Origin"]
    ?? throw new InvalidOperationException("Origin is required, e.g. --Origin http://127.0.0.1:8081");
if (!Uri.TryCreate(origin, UriKind.Absolute, out var originUri) || (originUri.Scheme != Uri.UriSchemeHttp && originUri.Scheme != Uri.UriSchemeHttps))
{
    throw new InvalidOperationException($"Origin must be an absolute http(s) URL, got '{origin}'.");
}

RouteConfig[] routes =
[
    new() { RouteId = "all", ClusterId = "origin", Match = new RouteMatch { Path = "{**catch-all}" } },
];
ClusterConfig[] clusters =
[
    new()
    {
        ClusterId = "origin",
        Destinations = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase)
        {
            ["origin"] = new() { Address = originUri.AbsoluteUri },
        },
    },
];
builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);

var app = builder.Build();
app.MapReverseProxy();
await app.RunAsync();
