namespace ScanProxy.Matching;

/// <summary>The state of one named list in a <see cref="HashListCatalog"/>.</summary>
/// <param name="Name">The list's name.</param>
/// <param name="Path">Its file.</param>
/// <param name="Kind">The kind of its entries.</param>
/// <param name="Entries">The number of distinct entries of the version in force (0 before the first load).</param>
/// <param name="Version">The version in force (first 16 hex digits of the SHA-256 of the file), or null if none has loaded.</param>
/// <param name="LoadedAt">When the version in force was loaded.</param>
/// <param name="LastError">Why the last load failed, or null when it succeeded; a failed load leaves the previous version in force.</param>
/// <param name="LastErrorAt">When the last load failed.</param>
public sealed record HashListStatus(
    string Name, string Path, HashListKind Kind, int Entries, string? Version, DateTimeOffset? LoadedAt, string? LastError, DateTimeOffset? LastErrorAt)
{
    /// <summary>Whether a version is in force.</summary>
    public bool IsLoaded => Version is not null;
}
