namespace ScanProxy.Notifications;

/// <summary>Who is told about a zone's detections (the zone's <c>Notify</c> settings).</summary>
/// <param name="Emails">E-mail addresses.</param>
/// <param name="WebhookUrls">
/// Webhook URLs, spelled as in the zone's <c>Notify:Webhooks</c> configuration: the signing secret is looked up there
/// by zone and URL when the message is sent, so that it never rests in the store.
/// </param>
internal sealed record NotificationRecipients(IReadOnlyList<string> Emails, IReadOnlyList<string> WebhookUrls);
