namespace ScanProxy.Scanning;

/// <summary>The scanner's limits (section <c>ScanProxy:Scanner</c>).</summary>
internal sealed record ScannerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ScanProxy:Scanner";

    /// <summary>Scan workers; 0 chooses from the core count, leaving room for serving.</summary>
    public int Workers { get; init; }

    /// <summary>Objects waiting for a worker; when full, objects are remembered in the store for a later scan.</summary>
    public int QueueCapacity { get; init; } = 1024;

    /// <summary>Larger bodies are not scanned and are counted as skipped.</summary>
    public long MaxObjectBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>Larger images are refused from their header, before their pixels are allocated.</summary>
    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>Time limit for one scan, including a fetch from the origin.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Objects whose PDQ hashes this node keeps in memory, so that a digest already judged is matched again without
    /// being decoded; about 450 bytes each (445 measured with 200,000 hashed objects in a VerdictCache).
    /// </summary>
    public int VerdictCacheCapacity { get; init; } = 65_536;

    /// <summary>
    /// How long a URL whose object was judged clean is not teed again while the origin answers with the same strong
    /// ETag and the zone's lists are unchanged (up to <see cref="VerdictCacheCapacity"/> URLs); zero tees every
    /// response. This is what keeps steady-state serving from hashing every image it has already judged; it also
    /// bounds how long an origin that reuses an ETag for new bytes could keep them from being scanned.
    /// </summary>
    public TimeSpan KnownObjectTtl { get; init; } = TimeSpan.FromMinutes(10);
}
