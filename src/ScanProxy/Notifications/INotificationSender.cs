using ScanProxy.Store;

namespace ScanProxy.Notifications;

/// <summary>Delivers outbox messages of one channel.</summary>
internal interface INotificationSender
{
    /// <summary>The <see cref="OutboxMessage.Channel"/> this sender delivers.</summary>
    string Channel { get; }

    /// <summary>Delivers the message, or throws when it was not delivered (the outbox retries it).</summary>
    Task SendAsync(OutboxMessage message, CancellationToken cancellationToken);
}
