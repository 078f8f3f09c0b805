using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ScanProxy.Admin;

/// <summary>
/// Checks bearer keys in constant time. Keys are compared as SHA-256 digests so neither their content nor
/// their length leaks through timing; every configured key is compared, match or not.
/// </summary>
internal sealed class ApiKeyVerifier
{
    private KeySet _keys;

    public ApiKeyVerifier(IOptionsMonitor<AdminOptions> options)
    {
        _keys = KeySet.From(options.CurrentValue);
        options.OnChange(o => _keys = KeySet.From(o));
    }

    /// <summary>
    /// True when <paramref name="authorization"/> is <c>Bearer KEY</c> with a configured key;
    /// <paramref name="actor"/> is then a fingerprint of the key that is safe to log and audit.
    /// </summary>
    public bool TryVerify(string? authorization, out string actor)
    {
        actor = "";
        const string Scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = Digest(authorization.AsSpan(Scheme.Length).Trim());
        var keys = _keys;
        var matched = -1;
        for (var i = 0; i < keys.Digests.Length; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, keys.Digests[i]))
            {
                matched = i;
            }
        }

        if (matched < 0)
        {
            return false;
        }

        actor = Fingerprint(keys.Digests[matched]);
        return true;
    }

    /// <summary>What a presented key may be called in logs: never the key, only a short digest prefix.</summary>
    public static string Fingerprint(ReadOnlySpan<char> key) => Fingerprint(Digest(key));

    private static string Fingerprint(byte[] digest) => "key:" + Convert.ToHexStringLower(digest, 0, 4);

    private static byte[] Digest(ReadOnlySpan<char> key)
    {
        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(key.Length)];
        var length = Encoding.UTF8.GetBytes(key, bytes);
        return SHA256.HashData(bytes.AsSpan(0, length));
    }

    private sealed record KeySet(byte[][] Digests)
    {
        public static KeySet From(AdminOptions options)
        {
            var digests = new List<byte[]>(options.ApiKeys.Count);
            foreach (var key in options.ApiKeys)
            {
                // An empty key would let "Bearer " through.
                if (!string.IsNullOrWhiteSpace(key))
                {
                    digests.Add(Digest(key));
                }
            }

            return new KeySet([.. digests]);
        }
    }
}
