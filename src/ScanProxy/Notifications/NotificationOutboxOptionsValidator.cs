using Microsoft.Extensions.Options;

namespace ScanProxy.Notifications;

/// <summary>Rejects outbox settings that would stall delivery or send twice, naming the field.</summary>
internal sealed class NotificationOutboxOptionsValidator : IValidateOptions<NotificationOutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOutboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        const string Section = NotificationOutboxOptions.SectionName;
        var failures = new List<string>();
        RequirePositive(options.PollInterval, $"{Section}:PollInterval", failures);
        RequirePositive(options.SendTimeout, $"{Section}:SendTimeout", failures);
        RequirePositive(options.RetryDelay, $"{Section}:RetryDelay", failures);

        // A lease that ends while a send may still be running lets another node send the same message.
        if (options.Lease <= options.SendTimeout)
        {
            failures.Add($"{Section}:Lease ({options.Lease}) must be longer than {Section}:SendTimeout ({options.SendTimeout}).");
        }

        if (options.MaxRetryDelay < options.RetryDelay)
        {
            failures.Add($"{Section}:MaxRetryDelay ({options.MaxRetryDelay}) must not be shorter than {Section}:RetryDelay ({options.RetryDelay}).");
        }

        if (options.BatchSize is < 1 or > 1000)
        {
            failures.Add($"{Section}:BatchSize must be between 1 and 1000, not {options.BatchSize}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequirePositive(TimeSpan value, string field, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{field} must be positive, not {value}.");
        }
    }
}
