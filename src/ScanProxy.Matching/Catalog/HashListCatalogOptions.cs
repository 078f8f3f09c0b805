namespace ScanProxy.Matching;

/// <summary>How a <see cref="HashListCatalog"/> reloads its lists.</summary>
public sealed record HashListCatalogOptions
{
    /// <summary>The defaults.</summary>
    public static HashListCatalogOptions Default { get; } = new();

    /// <summary>How long a file must stay unchanged after a change event before it is reloaded.</summary>
    public TimeSpan ReloadDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Whether to watch the list files and reload them when they change.</summary>
    public bool WatchFiles { get; init; } = true;

    /// <summary>How list files are read.</summary>
    public HashListReadOptions Read { get; init; } = HashListReadOptions.Default;
}
