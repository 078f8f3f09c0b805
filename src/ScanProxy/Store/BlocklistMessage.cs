using System.Text.Json.Serialization;

namespace ScanProxy.Store;

/// <summary>What goes over the blocklist channel: short names keep each message small.</summary>
/// <param name="Kind">"b" for a block, "u" for an unblock.</param>
/// <param name="Node">The id of the store instance that made the change, so it ignores its own echo.</param>
/// <param name="Zone">The zone.</param>
/// <param name="Url">The canonical URL.</param>
internal sealed record BlocklistMessage(
    [property: JsonPropertyName("k")] string Kind,
    [property: JsonPropertyName("n")] string Node,
    [property: JsonPropertyName("z")] string Zone,
    [property: JsonPropertyName("u")] string Url)
{
    public const string BlockedKind = "b";
    public const string UnblockedKind = "u";
}
