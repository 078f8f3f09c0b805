namespace ScanProxy.Hosting;

/// <summary>The configuration cannot be used; <see cref="Errors"/> names each field that is wrong.</summary>
internal sealed class InvalidConfigurationException : Exception
{
    public InvalidConfigurationException(IReadOnlyList<ConfigurationError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    public InvalidConfigurationException(ConfigurationError error)
        : this([error])
    {
    }

    public InvalidConfigurationException()
        : this([])
    {
    }

    public InvalidConfigurationException(string message)
        : this(new ConfigurationError("configuration", message))
    {
    }

    public InvalidConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [new ConfigurationError("configuration", message)];
    }

    /// <summary>Every field that is wrong, in configuration order.</summary>
    public IReadOnlyList<ConfigurationError> Errors { get; }

    private static string Describe(IReadOnlyList<ConfigurationError> errors) =>
        errors.Count == 0 ? "The configuration is invalid." : "The configuration is invalid: " + string.Join("; ", errors);
}
