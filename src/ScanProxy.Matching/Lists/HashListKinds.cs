namespace ScanProxy.Matching;

/// <summary>Sizes of the entries of each <see cref="HashListKind"/>.</summary>
internal static class HashListKinds
{
    /// <summary>The number of bytes of one entry.</summary>
    public static int DigestLength(this HashListKind kind) => kind switch
    {
        HashListKind.Pdq => 32,
        HashListKind.Md5 => 16,
        HashListKind.Sha1 => 20,
        HashListKind.Sha256 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown hash-list kind."),
    };

    /// <summary>The number of hex digits of one entry in a list file.</summary>
    public static int HexLength(this HashListKind kind) => 2 * kind.DigestLength();

    /// <summary>How the kind is named in messages.</summary>
    public static string DisplayName(this HashListKind kind) => kind switch
    {
        HashListKind.Pdq => "PDQ hash",
        HashListKind.Md5 => "MD5 digest",
        HashListKind.Sha1 => "SHA-1 digest",
        HashListKind.Sha256 => "SHA-256 digest",
        _ => kind.ToString(),
    };

    /// <summary>The kind a hex length implies when none is given (64 digits are taken as PDQ).</summary>
    public static HashListKind? FromHexLength(int length) => length switch
    {
        64 => HashListKind.Pdq,
        32 => HashListKind.Md5,
        40 => HashListKind.Sha1,
        _ => null,
    };
}
