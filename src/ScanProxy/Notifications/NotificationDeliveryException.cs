namespace ScanProxy.Notifications;

/// <summary>A notification could not be delivered now; the outbox tries it again later.</summary>
internal sealed class NotificationDeliveryException : Exception
{
    public NotificationDeliveryException()
    {
    }

    public NotificationDeliveryException(string message)
        : base(message)
    {
    }

    public NotificationDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
