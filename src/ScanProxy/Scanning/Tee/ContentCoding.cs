namespace ScanProxy.Scanning.Tee;

/// <summary>A response's <c>Content-Encoding</c>, as far as the tee can see through it to sniff the first bytes.</summary>
internal enum ContentCoding
{
    /// <summary>No encoding: the first bytes on the wire are the object's.</summary>
    Identity,

    /// <summary><c>gzip</c> (or <c>x-gzip</c>).</summary>
    Gzip,

    /// <summary><c>deflate</c>: zlib-wrapped as the RFC says, or raw as some servers send it.</summary>
    Deflate,

    /// <summary><c>br</c>.</summary>
    Brotli,

    /// <summary>Anything else, or several codings stacked: the object cannot be recognised and is not teed.</summary>
    Unsupported,
}
