namespace ScanProxy.Matching;

/// <summary>What reading a hash-list file found, before its entries are folded.</summary>
/// <param name="Kind">The kind of the entries, or null when the file has none and no kind was given.</param>
/// <param name="Lines">The number of lines.</param>
/// <param name="ErrorCount">The number of bad lines.</param>
/// <param name="Errors">The first bad lines.</param>
/// <param name="Version">The first 16 hex digits of the SHA-256 of the file's bytes.</param>
/// <param name="Bytes">The length of the file.</param>
internal sealed record HashListReadSummary(HashListKind? Kind, long Lines, long ErrorCount, IReadOnlyList<HashListError> Errors, string Version, long Bytes);
