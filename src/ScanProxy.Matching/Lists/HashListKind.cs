namespace ScanProxy.Matching;

/// <summary>What the entries of a hash list are (SPEC §5).</summary>
public enum HashListKind
{
    /// <summary>256-bit PDQ perceptual hashes (64 hex digits), matched by Hamming distance.</summary>
    Pdq,

    /// <summary>MD5 digests of the object bytes (32 hex digits), matched exactly.</summary>
    Md5,

    /// <summary>SHA-1 digests of the object bytes (40 hex digits), matched exactly.</summary>
    Sha1,

    /// <summary>SHA-256 digests of the object bytes (64 hex digits), matched exactly.</summary>
    Sha256,
}
