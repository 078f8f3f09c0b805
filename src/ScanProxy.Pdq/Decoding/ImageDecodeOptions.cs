namespace ScanProxy.Pdq.Decoding;

/// <summary>Limits that protect the decoder from hostile images. Checked before any pixel memory is allocated.</summary>
public sealed record ImageDecodeOptions
{
    /// <summary>The default limits.</summary>
    public static ImageDecodeOptions Default { get; } = new();

    /// <summary>The largest image, in pixels (width times height), that is decoded; larger ones fail as too large.</summary>
    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>The largest single buffer the decoder may allocate, in bytes (ImageSharp's allocation limit).</summary>
    public long MaxAllocationBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>The largest encoded input, in bytes, that is read.</summary>
    public long MaxEncodedBytes { get; init; } = 256L * 1024 * 1024;
}
