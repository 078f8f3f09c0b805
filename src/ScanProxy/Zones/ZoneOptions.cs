namespace ScanProxy.Zones;

/// <summary>One website behind ScanProxy: <c>ScanProxy:Zones:{name}</c> (SPEC §3). Checked by <see cref="ZoneValidator"/>.</summary>
internal sealed record ZoneOptions
{
    /// <summary>Host names served by the zone; <c>*.x</c> matches any subdomain of x.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>The origin servers behind the zone: absolute http(s) URLs.</summary>
    public IReadOnlyList<string> Origins { get; init; } = [];

    /// <summary>Whether image responses are teed into the scanner.</summary>
    public bool Scan { get; init; } = true;

    /// <summary>Serve while scanning, or hold unjudged images until they are clean.</summary>
    public ZoneMode Mode { get; init; } = ZoneMode.Async;

    /// <summary>What Hold mode does with an image it cannot judge.</summary>
    public HoldFailure HoldFailure { get; init; } = HoldFailure.FailOpen;

    /// <summary>Names of the hash lists (keys of <c>ScanProxy:HashLists</c>) the zone matches against.</summary>
    public IReadOnlyList<string> HashLists { get; init; } = [];

    /// <summary>The PDQ Hamming distance, 0..128, at or under which a hash matches.</summary>
    public int MaxDistance { get; init; } = 31;

    /// <summary>The PDQ quality, 0..100, under which an image is not matched.</summary>
    public int MinQuality { get; init; } = 50;

    /// <summary>What a detection does.</summary>
    public ZoneAction Action { get; init; } = ZoneAction.Block;

    /// <summary>The status a blocked URL answers with.</summary>
    public int BlockStatusCode { get; init; } = 451;

    /// <summary>Whether URLs that differ only in their query string are the same object.</summary>
    public bool IgnoreQueryString { get; init; }

    /// <summary>Who is told of each detection.</summary>
    public NotifyOptions Notify { get; init; } = new();

    // Value equality over the lists too, so that a reload can tell whether a zone changed.
    public bool Equals(ZoneOptions? other) =>
        other is not null
        && Hosts.SequenceEqual(other.Hosts, StringComparer.Ordinal)
        && Origins.SequenceEqual(other.Origins, StringComparer.Ordinal)
        && Scan == other.Scan
        && Mode == other.Mode
        && HoldFailure == other.HoldFailure
        && HashLists.SequenceEqual(other.HashLists, StringComparer.Ordinal)
        && MaxDistance == other.MaxDistance
        && MinQuality == other.MinQuality
        && Action == other.Action
        && BlockStatusCode == other.BlockStatusCode
        && IgnoreQueryString == other.IgnoreQueryString
        && Notify.Equals(other.Notify);

    public override int GetHashCode() =>
        HashCode.Combine(Hosts.Count, Origins.Count, Mode, MaxDistance, MinQuality, Action, BlockStatusCode, IgnoreQueryString);
}
