namespace ScanProxy.Scanning;

/// <summary>How undoing a Content-Encoding ended.</summary>
internal enum ContentDecodeStatus
{
    /// <summary>The decoded bytes are ready.</summary>
    Decoded,

    /// <summary>The decoded bytes would pass the object limit (possibly a decompression bomb).</summary>
    TooLarge,

    /// <summary>The encoded data is not valid for its encoding.</summary>
    Corrupt,

    /// <summary>An encoding other than gzip, br, deflate or identity.</summary>
    Unsupported,
}
