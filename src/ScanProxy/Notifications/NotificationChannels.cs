namespace ScanProxy.Notifications;

/// <summary>The values of <see cref="Store.OutboxMessage.Channel"/>.</summary>
internal static class NotificationChannels
{
    public const string Email = "email";

    public const string Webhook = "webhook";
}
