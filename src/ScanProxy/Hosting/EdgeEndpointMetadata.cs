namespace ScanProxy.Hosting;

/// <summary>
/// Endpoint metadata: the endpoint serves the edge listener. Every other endpoint serves the admin listener only,
/// so nothing mapped for operators is ever reachable from the edge.
/// </summary>
internal sealed class EdgeEndpointMetadata
{
    public static readonly EdgeEndpointMetadata Instance = new();

    private EdgeEndpointMetadata()
    {
    }
}
