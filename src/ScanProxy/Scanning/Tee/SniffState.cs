namespace ScanProxy.Scanning.Tee;

/// <summary>What <see cref="BodySniffer"/> has made of a body's first bytes.</summary>
internal enum SniffState
{
    /// <summary>Too few bytes yet.</summary>
    Undecided,

    /// <summary>An image format the scanner knows (TIFF included, which it reports as unsupported).</summary>
    Image,

    /// <summary>Anything else.</summary>
    NotImage,
}
