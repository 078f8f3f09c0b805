namespace ScanProxy.Matching;

/// <summary>A hash-list file has bad lines (or none can be read) and is rejected as a whole.</summary>
public sealed class HashListFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/> with its bad lines.</summary>
    public HashListFormatException(string path, IReadOnlyList<HashListError> errors, long errorCount)
        : base(FormatMessage(path, errors, errorCount))
    {
        Path = path;
        Errors = errors;
        ErrorCount = errorCount;
    }

    /// <inheritdoc />
    public HashListFormatException()
        : this(string.Empty, [], 0)
    {
    }

    /// <inheritdoc />
    public HashListFormatException(string message)
        : base(message)
    {
        Path = string.Empty;
        Errors = [];
    }

    /// <inheritdoc />
    public HashListFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
        Errors = [];
    }

    /// <summary>The file that was rejected.</summary>
    public string Path { get; }

    /// <summary>The first bad lines (at most <see cref="HashListReadOptions.MaxReportedErrors"/>), in file order.</summary>
    public IReadOnlyList<HashListError> Errors { get; }

    /// <summary>How many lines were bad, including those not kept in <see cref="Errors"/>.</summary>
    public long ErrorCount { get; }

    private static string FormatMessage(string path, IReadOnlyList<HashListError> errors, long errorCount)
    {
        if (errors.Count == 0)
        {
            return $"{path}: the hash list is invalid.";
        }

        var first = errors[0];
        var more = errorCount > 1 ? $" (and {errorCount - 1} more bad line{(errorCount == 2 ? "" : "s")})" : "";
        return $"{path}:{first.Line}: {first.Message}{more}";
    }
}
