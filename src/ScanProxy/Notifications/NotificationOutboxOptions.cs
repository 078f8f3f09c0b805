namespace ScanProxy.Notifications;

/// <summary>How the outbox dispatcher delivers notifications (configuration section <c>ScanProxy:Notifications</c>, all optional).</summary>
internal sealed record NotificationOutboxOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "ScanProxy:Notifications";

    /// <summary>How long the dispatcher waits before looking again when the outbox had nothing due.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one delivery (an HTTP POST or an SMTP session) may take before it counts as failed.</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a leased message is hidden from other nodes; longer than <see cref="SendTimeout"/>.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The delay before the first retry; each further failure doubles it.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest delay between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How many due messages are leased and sent at once.</summary>
    public int BatchSize { get; init; } = 16;
}
