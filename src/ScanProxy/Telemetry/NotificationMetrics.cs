using System.Diagnostics.Metrics;

namespace ScanProxy.Telemetry;

/// <summary><c>scanproxy.notifications</c>: delivery attempts of the notification outbox, by channel and result.</summary>
internal sealed class NotificationMetrics
{
    private readonly Counter<long> _notifications;

    public NotificationMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _notifications = meterFactory.Create(ScanProxyMeter.Name).CreateCounter<long>(
            "scanproxy.notifications", "{notification}", "Notification delivery attempts, by channel (email, webhook) and result (delivered, retried).");
    }

    /// <summary>Counts a notification delivered on <paramref name="channel"/>.</summary>
    public void Delivered(string channel) =>
        _notifications.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("result", "delivered"));

    /// <summary>Counts a failed delivery on <paramref name="channel"/>, put back in the outbox for a later attempt.</summary>
    public void Retried(string channel) =>
        _notifications.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("result", "retried"));
}
