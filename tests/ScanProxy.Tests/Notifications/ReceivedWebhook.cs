namespace ScanProxy.Tests.Notifications;

/// <summary>One request that reached the <see cref="WebhookReceiver"/>.</summary>
internal sealed record ReceivedWebhook(string DeliveryId, string? ContentType, byte[] Body, bool SignatureValid, int AnsweredStatus);
