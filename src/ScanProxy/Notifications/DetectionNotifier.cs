using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MimeKit;
using ScanProxy.Store;

namespace ScanProxy.Notifications;

/// <summary>
/// Puts the notifications of a detection into the store's outbox, one message per recipient; the
/// <see cref="OutboxDispatcher"/> delivers them.
/// </summary>
internal sealed partial class DetectionNotifier(IScanProxyStore store, TimeProvider timeProvider, ILogger<DetectionNotifier> logger)
{
    /// <summary>
    /// Enqueues one outbox message per e-mail address and webhook URL. Each message id is derived from the detection id,
    /// the channel and the recipient, so calling this again for the same detection adds nothing: each recipient is told
    /// once. A recipient that could never be delivered to (not an e-mail address, not an absolute http(s) URL) is logged
    /// and skipped; the others are still enqueued.
    /// </summary>
    public async ValueTask NotifyAsync(DetectionRecord detection, NotificationRecipients recipients, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(detection);
        ArgumentNullException.ThrowIfNull(recipients);

        var payload = JsonSerializer.Serialize(detection, NotificationJsonContext.Default.DetectionRecord);
        var now = timeProvider.GetUtcNow();

        foreach (var address in recipients.Emails)
        {
            if (!MailboxAddress.TryParse(address, out _))
            {
                Log.InvalidEmail(logger, detection.Zone, address);
                continue;
            }

            // Mail systems treat addresses case-insensitively, so "A@x" and "a@x" are one recipient.
            var id = MessageId(detection.Id, NotificationChannels.Email, address.Trim().ToUpperInvariant());
            await store.EnqueueNotificationAsync(new OutboxMessage(id, NotificationChannels.Email, address, detection.Id, payload, 0, now), cancellationToken).ConfigureAwait(false);
        }

        foreach (var url in recipients.WebhookUrls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                Log.InvalidWebhookUrl(logger, detection.Zone, url);
                continue;
            }

            var id = MessageId(detection.Id, NotificationChannels.Webhook, url);
            await store.EnqueueNotificationAsync(new OutboxMessage(id, NotificationChannels.Webhook, url, detection.Id, payload, 0, now), cancellationToken).ConfigureAwait(false);
        }
    }

    // The recipient is hashed so the id has a fixed length and no characters a store key or a header could trip on.
    internal static string MessageId(string detectionId, string channel, string recipient)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(recipient), digest);
        return $"{detectionId}:{channel}:{Convert.ToHexStringLower(digest[..16])}";
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6001, Level = LogLevel.Error, Message = "Zone {Zone}: '{Address}' is not an e-mail address; no e-mail is sent to it.")]
        public static partial void InvalidEmail(ILogger logger, string zone, string address);

        [LoggerMessage(EventId = 6002, Level = LogLevel.Error, Message = "Zone {Zone}: webhook '{Url}' is not an absolute http or https URL; nothing is sent to it.")]
        public static partial void InvalidWebhookUrl(ILogger logger, string zone, string url);
    }
}
