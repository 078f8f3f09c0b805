namespace ScanProxy.Scanning;

/// <summary>How a scan ended (the <c>result</c> tag of the scan metrics).</summary>
internal enum ScanResult
{
    /// <summary>Decoded, hashed and matched nothing.</summary>
    Clean,

    /// <summary>Matched a hash list: a detection was made.</summary>
    Match,

    /// <summary>Could not be judged: undecodable, hostile, timed out, origin fetch failed.</summary>
    Error,

    /// <summary>Not scanned by policy: not an image, over MaxObjectBytes, quality too low for PDQ.</summary>
    Skipped,
}
