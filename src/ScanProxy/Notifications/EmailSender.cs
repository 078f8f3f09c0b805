using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using ScanProxy.Store;

namespace ScanProxy.Notifications;

/// <summary>
/// Sends a plain-text e-mail describing a detection through the configured SMTP server, one SMTP session per message
/// (detections are rare; a fresh session needs no reconnect logic).
/// </summary>
internal sealed class EmailSender(IOptionsMonitor<SmtpOptions> smtpOptions) : INotificationSender
{
    public string Channel => NotificationChannels.Email;

    public async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);

        var options = smtpOptions.CurrentValue;
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            throw new NotificationDeliveryException($"{SmtpOptions.SectionName}:Host is not set, so no e-mail can be sent; the message waits until it is.");
        }

        var detection = JsonSerializer.Deserialize(message.Payload, NotificationJsonContext.Default.DetectionRecord)
            ?? throw new NotificationDeliveryException($"Outbox message {message.Id} has no detection in its payload.");
        using var mail = Compose(detection, message, options.From);

        using var client = new SmtpClient();
        await client.ConnectAsync(options.Host, options.Port, SocketOptions(options.Security), cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(options.UserName))
        {
            await client.AuthenticateAsync(options.UserName, options.Password ?? "", cancellationToken).ConfigureAwait(false);
        }

        await client.SendAsync(mail, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
    }

    internal static MimeMessage Compose(DetectionRecord detection, OutboxMessage message, string from)
    {
        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(from));
        mail.To.Add(MailboxAddress.Parse(message.Recipient));
        mail.Subject = $"ScanProxy detection in zone {detection.Zone}: {detection.Url}";

        // The same Message-Id on every attempt lets mail systems drop a copy sent again after a crash.
        mail.MessageId = $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(message.Id)))}@scanproxy";
        mail.Headers.Add(NotificationHeaders.Delivery, message.Id);
        mail.Body = new TextPart("plain") { Text = Body(detection) };
        return mail;
    }

    private static string Body(DetectionRecord detection)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"ScanProxy matched an object served in zone {detection.Zone} against hash list {detection.List}.");
        text.AppendLine();
        Field(text, "Detection", detection.Id);
        Field(text, "Zone", detection.Zone);
        Field(text, "URL", detection.Url);
        Field(text, "Action", detection.Action);
        Field(text, "First served", detection.FirstServedAt.ToString("O", CultureInfo.InvariantCulture));
        Field(text, "Detected", detection.DetectedAt.ToString("O", CultureInfo.InvariantCulture));
        Field(text, "SHA-256", detection.Sha256);
        Field(text, "PDQ", detection.Pdq);
        Field(text, "PDQ quality", detection.Quality?.ToString(CultureInfo.InvariantCulture));
        Field(text, "List", detection.List);
        Field(text, "Entry", detection.EntryId);
        Field(text, "Distance", detection.Distance.ToString(CultureInfo.InvariantCulture));
        Field(text, "Variant", detection.Variant);
        return text.ToString();
    }

    private static void Field(StringBuilder text, string name, string? value) =>
        text.Append(name).Append(": ").AppendLine(string.IsNullOrEmpty(value) ? "-" : value);

    private static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.None,
    };
}
