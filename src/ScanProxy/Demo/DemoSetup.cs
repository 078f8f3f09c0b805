namespace ScanProxy.Demo;

/// <summary>Where the demo's parts are, once they run: what the walk-through prints.</summary>
/// <param name="SiteUrl">The sample site (the origin).</param>
/// <param name="EdgePort">The proxy's edge port on 127.0.0.1.</param>
/// <param name="AdminPort">The admin API's port on 127.0.0.1.</param>
/// <param name="ApiKey">The admin API key made for this run.</param>
/// <param name="ListPath">The demo hash list.</param>
/// <param name="DataDirectory">The temporary directory holding the list and the embedded store.</param>
internal sealed record DemoSetup(string SiteUrl, int EdgePort, int AdminPort, string ApiKey, string ListPath, string DataDirectory)
{
    /// <summary>The zone's host name; browsers and curl send any *.localhost to loopback.</summary>
    public const string Host = "demo.localhost";

    /// <summary>The zone's name.</summary>
    public const string Zone = "demo";
}
