using System.Security.Cryptography;

namespace ScanProxy.Notifications;

/// <summary>The <see cref="NotificationHeaders.Signature"/> header value: <c>sha256=</c> and the lower-case hex HMAC-SHA256 of the body.</summary>
internal static class WebhookSignature
{
    private const string Prefix = "sha256=";

    public static string Compute(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(secret, body, mac);
        return Prefix + Convert.ToHexStringLower(mac);
    }
}
