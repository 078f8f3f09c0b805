using ScanProxy.Pdq.Decoding;

namespace ScanProxy.Scanning;

/// <summary>The <see cref="ScanOutcome.Reason"/> values (the <c>reason</c> tag of the scan metrics).</summary>
internal static class ScanReasons
{
    /// <summary>Clean: decoded, hashed and matched nothing.</summary>
    public const string Scanned = "scanned";

    /// <summary>Judged from what is known of the digest, without decoding it again.</summary>
    public const string KnownDigest = "known-digest";

    /// <summary>Clean: it matched, but an operator reviewed the digest as a false positive in this zone.</summary>
    public const string Allowed = "allowed";

    /// <summary>Match: a PDQ list.</summary>
    public const string Pdq = "pdq";

    /// <summary>Match: an MD5 list.</summary>
    public const string Md5 = "md5";

    /// <summary>Match: a SHA-1 list.</summary>
    public const string Sha1 = "sha1";

    /// <summary>Match: a SHA-256 list.</summary>
    public const string Sha256 = "sha256";

    /// <summary>Skipped: the bytes are not an image.</summary>
    public const string NotImage = "not-image";

    /// <summary>Skipped: the body is over MaxObjectBytes (as sent, or once its Content-Encoding is decoded). Error: the image is over MaxPixels.</summary>
    public const string TooLarge = "too-large";

    /// <summary>Skipped: PDQ quality under the zone's MinQuality, and no exact list matched.</summary>
    public const string LowQuality = "low-quality";

    /// <summary>Skipped: the zone is gone or does not scan.</summary>
    public const string NoZone = "no-zone";

    /// <summary>Error: no bytes at all.</summary>
    public const string Empty = "empty";

    /// <summary>Error: the image data ends early.</summary>
    public const string Truncated = "truncated";

    /// <summary>Error: the image data is not valid.</summary>
    public const string Corrupt = "corrupt";

    /// <summary>Error: an image format that is not decoded (TIFF) or a feature the decoder lacks.</summary>
    public const string Unsupported = "unsupported";

    /// <summary>Error: the image header gives a size of zero.</summary>
    public const string ZeroSize = "zero-size";

    /// <summary>Error: the Content-Encoding could not be decoded.</summary>
    public const string CorruptEncoding = "corrupt-encoding";

    /// <summary>Error: a Content-Encoding other than gzip, br, deflate or identity.</summary>
    public const string UnsupportedEncoding = "unsupported-encoding";

    /// <summary>Error: the origin could not be reached for the object.</summary>
    public const string FetchFailed = "fetch-failed";

    /// <summary>Error: the origin answered the fetch with an error status.</summary>
    public const string OriginStatus = "origin-status";

    /// <summary>Error: the scan took longer than Scanner:Timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>Not judged: one of the zone's hash lists has no version in force yet (Async mode defers the object).</summary>
    public const string ListsNotLoaded = "lists-not-loaded";

    /// <summary>Not judged: the queue is full (Hold mode) or the object was deferred (Async mode).</summary>
    public const string QueueFull = "queue-full";

    /// <summary>Not judged: the process is stopping; the object is remembered for a later scan.</summary>
    public const string Stopping = "stopping";

    /// <summary>Error: a fault in the scanner itself (logged with its exception).</summary>
    public const string Internal = "internal";

    /// <summary>The reason for a decoder's refusal.</summary>
    public static string For(ImageDecodeError error) => error switch
    {
        ImageDecodeError.Empty => Empty,
        ImageDecodeError.Truncated => Truncated,
        ImageDecodeError.Corrupt => Corrupt,
        ImageDecodeError.Unsupported => Unsupported,
        ImageDecodeError.TooLarge => TooLarge,
        ImageDecodeError.ZeroSize => ZeroSize,
        _ => Corrupt,
    };
}
