using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScanProxy.Store;
using ScanProxy.Telemetry;

namespace ScanProxy.Notifications;

/// <summary>
/// Delivers the store's notification outbox: leases the messages that are due, sends them, removes each one that was
/// delivered and puts each failure back with a growing delay. Nothing is ever given up: a message stays in the outbox,
/// across restarts and on any node sharing the store, until it is delivered.
/// </summary>
/// <remarks>
/// A message is removed only after it was sent, and its id is fixed per detection and recipient, so it is sent once.
/// The one gap: a node that stops between a send and its removal (or whose removal is lost) leaves the message to be sent
/// again when its lease ends. Receivers can drop such a repeat by its <see cref="NotificationHeaders.Delivery"/> header
/// (e-mails also keep one Message-Id).
/// </remarks>
internal sealed partial class OutboxDispatcher : BackgroundService
{
    private readonly IScanProxyStore _store;
    private readonly FrozenDictionary<string, INotificationSender> _senders;
    private readonly IOptionsMonitor<NotificationOutboxOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly NotificationMetrics _metrics;
    private readonly ILogger<OutboxDispatcher> _logger;

    // Only the dispatch loop touches it.
    private bool _leaseFailing;

    public OutboxDispatcher(
        IScanProxyStore store,
        IEnumerable<INotificationSender> senders,
        IOptionsMonitor<NotificationOutboxOptions> options,
        TimeProvider timeProvider,
        IMeterFactory meterFactory,
        ILogger<OutboxDispatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(senders);

        _store = store;
        _senders = senders.ToFrozenDictionary(sender => sender.Channel, StringComparer.Ordinal);
        _options = options;
        _timeProvider = timeProvider;
        _metrics = new NotificationMetrics(meterFactory);
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var options = _options.CurrentValue;
            var due = await LeaseAsync(options, stoppingToken).ConfigureAwait(false);

            // Sends already started are not cancelled when the host stops: each is bounded by SendTimeout, and letting it
            // finish means a delivered message is also removed, which keeps the window for a repeat small.
            await Parallel.ForEachAsync(
                due,
                new ParallelOptions { MaxDegreeOfParallelism = options.BatchSize },
                (message, _) => DeliverAsync(message, options)).ConfigureAwait(false);

            // A full batch means more may be due: look again at once.
            if (due.Count < options.BatchSize)
            {
                try
                {
                    await Task.Delay(options.PollInterval, _timeProvider, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<IReadOnlyList<OutboxMessage>> LeaseAsync(NotificationOutboxOptions options, CancellationToken stoppingToken)
    {
        try
        {
            var due = await _store.LeaseDueNotificationsAsync(options.BatchSize, options.Lease, stoppingToken).ConfigureAwait(false);
            if (_leaseFailing)
            {
                _leaseFailing = false;
                Log.LeaseRecovered(_logger);
            }

            return due;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return [];
        }
        catch (Exception exception)
        {
            // Whatever the store throws, the loop goes on: the messages wait in the outbox for the next look.
            // An outage is logged when it starts and when it ends, not on every poll.
            if (!_leaseFailing)
            {
                _leaseFailing = true;
                Log.LeaseFailed(_logger, exception);
            }

            return [];
        }
    }

    private async ValueTask DeliverAsync(OutboxMessage message, NotificationOutboxOptions options)
    {
        var recipient = Describe(message);
        if (!_senders.TryGetValue(message.Channel, out var sender))
        {
            await RetryAsync(message, new NotificationDeliveryException($"No sender delivers channel '{message.Channel}'."), recipient, options).ConfigureAwait(false);
            return;
        }

        using (var timeout = new CancellationTokenSource(options.SendTimeout, _timeProvider))
        {
            try
            {
                await sender.SendAsync(message, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException exception) when (timeout.IsCancellationRequested)
            {
                await RetryAsync(message, new TimeoutException($"The delivery took longer than {options.SendTimeout}.", exception), recipient, options).ConfigureAwait(false);
                return;
            }
            catch (Exception exception)
            {
                // Whatever failed (socket, TLS, SMTP, HTTP status, payload), the message goes back to the outbox.
                await RetryAsync(message, exception, recipient, options).ConfigureAwait(false);
                return;
            }
        }

        try
        {
            _metrics.Delivered(message.Channel);
            await _store.CompleteNotificationAsync(message.Id, CancellationToken.None).ConfigureAwait(false);
            Log.Delivered(_logger, message.Channel, recipient, message.Id, message.Attempts + 1);
        }
        catch (Exception exception)
        {
            Log.CompleteFailed(_logger, message.Channel, recipient, message.Id, exception);
        }
    }

    private async ValueTask RetryAsync(OutboxMessage message, Exception error, string recipient, NotificationOutboxOptions options)
    {
        var delay = RetryBackoff.Delay(message.Attempts, options.RetryDelay, options.MaxRetryDelay, Random.Shared.NextDouble());
        Log.DeliveryFailed(_logger, message.Channel, recipient, message.Id, message.Attempts + 1, delay, error);
        _metrics.Retried(message.Channel);
        try
        {
            await _store.RetryNotificationAsync(message, _timeProvider.GetUtcNow() + delay, error.Message, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The lease still runs out, so the message comes due again anyway.
            Log.RetryFailed(_logger, message.Id, exception);
        }
    }

    // Webhook URLs often carry a token in their path or query; logs get the scheme, host and port only.
    private static string Describe(OutboxMessage message) =>
        message.Channel == NotificationChannels.Webhook && Uri.TryCreate(message.Recipient, UriKind.Absolute, out var uri)
            ? uri.GetLeftPart(UriPartial.Authority)
            : message.Recipient;

    private static partial class Log
    {
        [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Delivered {Channel} notification to {Recipient} ({MessageId}) on attempt {Attempt}.")]
        public static partial void Delivered(ILogger logger, string channel, string recipient, string messageId, int attempt);

        [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Could not deliver {Channel} notification to {Recipient} ({MessageId}) on attempt {Attempt}; trying again in {Delay}.")]
        public static partial void DeliveryFailed(ILogger logger, string channel, string recipient, string messageId, int attempt, TimeSpan delay, Exception exception);

        [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "Cannot read the notification outbox; notifications wait until the store answers again.")]
        public static partial void LeaseFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 6106, Level = LogLevel.Information, Message = "The notification outbox can be read again; delivery resumes.")]
        public static partial void LeaseRecovered(ILogger logger);

        [LoggerMessage(EventId = 6104, Level = LogLevel.Error, Message = "Delivered {Channel} notification to {Recipient} ({MessageId}) but could not remove it from the outbox; it may be sent again when its lease ends.")]
        public static partial void CompleteFailed(ILogger logger, string channel, string recipient, string messageId, Exception exception);

        [LoggerMessage(EventId = 6105, Level = LogLevel.Warning, Message = "Could not put notification {MessageId} back into the outbox; it comes due again when its lease ends.")]
        public static partial void RetryFailed(ILogger logger, string messageId, Exception exception);
    }
}
