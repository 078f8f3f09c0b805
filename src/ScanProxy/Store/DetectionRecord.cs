namespace ScanProxy.Store;

/// <summary>A detection (SPEC §6). It never holds the image.</summary>
internal sealed record DetectionRecord
{
    /// <summary>Unique id.</summary>
    public required string Id { get; init; }

    /// <summary>The zone's name.</summary>
    public required string Zone { get; init; }

    /// <summary>The canonical URL the object was served under.</summary>
    public required string Url { get; init; }

    /// <summary>When the object was first served.</summary>
    public required DateTimeOffset FirstServedAt { get; init; }

    /// <summary>When the match was found.</summary>
    public required DateTimeOffset DetectedAt { get; init; }

    /// <summary>SHA-256 of the object's bytes, lower-case hex.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The object's PDQ hash (Meta's hex), or null for an exact-list match of an undecodable object.</summary>
    public string? Pdq { get; init; }

    /// <summary>The PDQ quality, or null.</summary>
    public int? Quality { get; init; }

    /// <summary>The hash list that matched.</summary>
    public required string List { get; init; }

    /// <summary>The matching entry's id in that list.</summary>
    public required string EntryId { get; init; }

    /// <summary>Hamming distance of the match (0 for exact lists).</summary>
    public int Distance { get; init; }

    /// <summary>Which dihedral variant matched (original, rot90, ...), or null for exact lists.</summary>
    public string? Variant { get; init; }

    /// <summary>What was done: Block or LogOnly.</summary>
    public required string Action { get; init; }
}
