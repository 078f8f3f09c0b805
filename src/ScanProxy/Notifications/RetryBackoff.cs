namespace ScanProxy.Notifications;

/// <summary>When a failed notification is tried again: exponential back-off with jitter, capped.</summary>
internal static class RetryBackoff
{
    // Up to a fifth shorter, so messages that failed together (a receiver was down) do not all return at once.
    private const double MaxJitter = 0.2;

    /// <summary>
    /// The delay after the failure of attempt number <paramref name="previousAttempts"/> + 1:
    /// <paramref name="first"/> × 2^<paramref name="previousAttempts"/>, at most <paramref name="max"/>,
    /// then shortened by up to 20 % according to <paramref name="jitter"/> (0 ≤ jitter &lt; 1).
    /// </summary>
    public static TimeSpan Delay(int previousAttempts, TimeSpan first, TimeSpan max, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(previousAttempts);
        ArgumentOutOfRangeException.ThrowIfNegative(jitter);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(jitter, 1.0);

        var ticks = Math.Min(first.Ticks * Math.Pow(2, previousAttempts), max.Ticks);
        return TimeSpan.FromTicks((long)(ticks * (1 - (MaxJitter * jitter))));
    }
}
