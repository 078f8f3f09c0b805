namespace ScanProxy.Scanning.Tee;

/// <summary>What a response served in Async mode leaves for the scanner.</summary>
internal enum TeeResult
{
    /// <summary>Not an image, or nothing to tell (an object judged clean under the same strong ETag): nothing to scan.</summary>
    NotAnImage,

    /// <summary>The complete body was copied: scan those bytes.</summary>
    Teed,

    /// <summary>An image not seen whole (206, HEAD, an aborted or failed download): the scanner fetches it.</summary>
    Fetch,

    /// <summary>An image over Scanner:MaxObjectBytes: not scanned, counted as skipped (SPEC §4).</summary>
    TooLarge,
}
