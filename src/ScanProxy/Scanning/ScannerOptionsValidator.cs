using Microsoft.Extensions.Options;

namespace ScanProxy.Scanning;

/// <summary>Rejects scanner limits that could not work, naming the field.</summary>
internal sealed class ScannerOptionsValidator : IValidateOptions<ScannerOptions>
{
    // More workers than this is a typo, not a machine: each holds up to MaxObjectBytes and a decoded image.
    private const int MaxWorkers = 1024;

    public ValidateOptionsResult Validate(string? name, ScannerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var failures = new List<string>();
        var section = ScannerOptions.SectionName;
        if (options.Workers is < 0 or > MaxWorkers)
        {
            failures.Add($"{section}:Workers must be between 0 (choose from the core count) and {MaxWorkers}, not {options.Workers}.");
        }

        if (options.QueueCapacity < 1)
        {
            failures.Add($"{section}:QueueCapacity must be at least 1, not {options.QueueCapacity}.");
        }

        if (options.MaxObjectBytes < 1 || options.MaxObjectBytes > Array.MaxLength)
        {
            failures.Add($"{section}:MaxObjectBytes must be between 1 and {Array.MaxLength}, not {options.MaxObjectBytes}.");
        }

        if (options.MaxPixels < 1)
        {
            failures.Add($"{section}:MaxPixels must be at least 1, not {options.MaxPixels}.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{section}:Timeout must be positive, not {options.Timeout}.");
        }

        if (options.KnownObjectTtl < TimeSpan.Zero)
        {
            failures.Add($"{section}:KnownObjectTtl must be zero (tee every response) or positive, not {options.KnownObjectTtl}.");
        }

        if (options.VerdictCacheCapacity < 0)
        {
            failures.Add($"{section}:VerdictCacheCapacity must not be negative, not {options.VerdictCacheCapacity}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
