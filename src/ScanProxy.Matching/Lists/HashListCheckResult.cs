namespace ScanProxy.Matching;

/// <summary>What <see cref="HashListFile.Check"/> found in a hash-list file.</summary>
/// <param name="Kind">The kind of the entries: as given, else as the first entry line implies; null when unknown.</param>
/// <param name="Lines">The number of lines in the file.</param>
/// <param name="EntryLines">The number of good lines that held an entry.</param>
/// <param name="Entries">The number of distinct entries among them.</param>
/// <param name="ErrorCount">The number of bad lines.</param>
/// <param name="Errors">The bad lines kept (all of them when they were not passed to a callback).</param>
/// <param name="Version">The first 16 hex digits of the SHA-256 of the file's bytes.</param>
public sealed record HashListCheckResult(
    HashListKind? Kind, long Lines, int EntryLines, int Entries, long ErrorCount, IReadOnlyList<HashListError> Errors, string Version)
{
    /// <summary>The number of entry lines folded into an earlier line with the same hash.</summary>
    public int Duplicates => EntryLines - Entries;

    /// <summary>Whether the file would load.</summary>
    public bool IsValid => ErrorCount == 0;
}
