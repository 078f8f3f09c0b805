using ScanProxy.Matching;

namespace ScanProxy.Admin;

/// <summary>A hash list as <c>GET /api/v1/hashlists</c> shows it (never its entries).</summary>
/// <param name="Name">The list's name.</param>
/// <param name="Kind">Pdq, Md5, Sha1 or Sha256.</param>
/// <param name="Path">Its file.</param>
/// <param name="Entries">Distinct entries of the version in force (0 before the first load).</param>
/// <param name="Version">The version in force (first 16 hex digits of the file's SHA-256), or null if none has loaded.</param>
/// <param name="LoadedAt">When the version in force was loaded.</param>
/// <param name="LastError">Why the last load failed, or null when it succeeded; the previous version stays in force.</param>
/// <param name="LastErrorAt">When the last load failed.</param>
internal sealed record HashListSummary(
    string Name, string Kind, string Path, int Entries, string? Version, DateTimeOffset? LoadedAt, string? LastError, DateTimeOffset? LastErrorAt)
{
    /// <summary>The summary of a list's status.</summary>
    public static HashListSummary From(HashListStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new(status.Name, status.Kind.ToString(), status.Path, status.Entries, status.Version, status.LoadedAt, status.LastError, status.LastErrorAt);
    }
}
