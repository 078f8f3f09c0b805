using Microsoft.Extensions.Configuration;

namespace ScanProxy.Notifications;

/// <summary>
/// Finds a webhook's signing secret in the live configuration (<c>ScanProxy:Zones:{zone}:Notify:Webhooks</c>) when a
/// message is sent, so the secret is never written to the store and a rotated secret applies to pending messages too.
/// </summary>
internal sealed class WebhookSecrets(IConfiguration configuration)
{
    /// <summary>The secret configured for <paramref name="url"/> in <paramref name="zone"/>, or null when there is none.</summary>
    public string? Find(string zone, string url)
    {
        foreach (var webhook in configuration.GetSection($"ScanProxy:Zones:{zone}:Notify:Webhooks").GetChildren())
        {
            if (string.Equals(webhook["Url"], url, StringComparison.Ordinal))
            {
                var secret = webhook["Secret"];
                return string.IsNullOrEmpty(secret) ? null : secret;
            }
        }

        return null;
    }
}
