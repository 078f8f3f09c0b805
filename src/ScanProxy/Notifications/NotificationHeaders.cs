namespace ScanProxy.Notifications;

/// <summary>Headers that notifications carry.</summary>
internal static class NotificationHeaders
{
    /// <summary>The outbox id of the message, the same on every attempt, so a receiver can drop a repeated delivery.</summary>
    public const string Delivery = "X-ScanProxy-Delivery";

    /// <summary>The webhook body's signature, see <see cref="WebhookSignature"/>.</summary>
    public const string Signature = "X-ScanProxy-Signature";
}
