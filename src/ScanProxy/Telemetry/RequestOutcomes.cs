namespace ScanProxy.Telemetry;

/// <summary>The <c>outcome</c> tag of <c>scanproxy.requests</c>: how ScanProxy answered one edge request.</summary>
internal static class RequestOutcomes
{
    /// <summary>Sent to the origin, and its answer (whatever its status) relayed to the client.</summary>
    public const string Forwarded = "forwarded";

    /// <summary>Answered by ScanProxy with the zone's block status: a blocked URL, or a held image that matched.</summary>
    public const string Blocked = "blocked";

    /// <summary>The host belongs to no zone: 404, nothing forwarded.</summary>
    public const string NoZone = "no_zone";

    /// <summary>A held image that could not be judged in a zone that fails closed: 503.</summary>
    public const string Unavailable = "unavailable";
}
