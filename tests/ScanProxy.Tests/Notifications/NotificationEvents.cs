namespace ScanProxy.Tests.Notifications;

/// <summary>The log event ids of the notification components, as operators filter on them.</summary>
internal static class NotificationEvents
{
    public const int InvalidEmail = 6001;
    public const int InvalidWebhookUrl = 6002;
    public const int Delivered = 6101;
    public const int DeliveryFailed = 6102;
}
