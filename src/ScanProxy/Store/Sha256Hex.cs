namespace ScanProxy.Store;

/// <summary>Checks and normalises a SHA-256 digest written as hex, the form the store keys digests by.</summary>
internal static class Sha256Hex
{
    private const int Length = 64;

    /// <summary>The digest in lower case.</summary>
    /// <exception cref="ArgumentException">It is not 64 hexadecimal characters.</exception>
    public static string Normalize(string? digest, string parameterName)
    {
        if (digest is null || digest.Length != Length || !IsHex(digest))
        {
            throw new ArgumentException($"A SHA-256 digest is 64 hexadecimal characters; got \"{digest}\".", parameterName);
        }

        return digest.ToLowerInvariant();
    }

    private static bool IsHex(string digest)
    {
        foreach (var c in digest)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
