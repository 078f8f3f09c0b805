namespace ScanProxy.Matching;

/// <summary>
/// Reads hash-list files (SPEC §5): one entry per line, <c>hex[,id[,anything]]</c>; blank lines, <c>#</c>
/// comment lines, a UTF-8 byte-order mark, CRLF line ends and one header line (a first line naming the
/// columns, such as <c>hash,id</c>) are allowed. Spaces and tabs around fields are ignored; hex may be in
/// either case. Lines with the same hash fold into one entry that keeps all their ids; a line without an id
/// gives none, and an entry with no id at all is known by its own hex. A file with a bad line is rejected as a
/// whole, and so is a 0-byte file (most often a file caught while being rewritten); a file with only comments
/// or a header is a valid empty list.
/// </summary>
public static class HashListFile
{
    /// <summary>Loads <paramref name="path"/> as a list of <paramref name="kind"/> entries.</summary>
    /// <exception cref="HashListFormatException">The file has bad lines or is empty.</exception>
    /// <exception cref="IOException">The file cannot be read, or kept changing while it was read.</exception>
    public static HashList Load(string path, HashListKind kind, HashListReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var collector = EntryCollector.For(kind);
        var summary = HashListReader.Read(path, kind, collector, options ?? HashListReadOptions.Default, null, cancellationToken);
        if (summary.ErrorCount > 0)
        {
            throw new HashListFormatException(path, summary.Errors, summary.ErrorCount);
        }

        var entryLines = collector.Lines;
        var searchable = collector.Build();
        var count = searchable is PdqIndex index ? index.Count : ((ExactHashSet)searchable).Count;
        return new HashList(path, kind, summary.Version, summary.Lines, entryLines, count, searchable);
    }

    /// <summary>
    /// Validates <paramref name="path"/> without building an index: counts entries and duplicates and reports
    /// every bad line. With no <paramref name="kind"/>, the first entry line decides it (64 hex digits are taken
    /// as PDQ; SHA-256 lists have the same syntax).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="kind">The kind of entries expected, or null to infer it.</param>
    /// <param name="onError">Receives every bad line as it is found; when null, the result keeps them all.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static HashListCheckResult Check(string path, HashListKind? kind, Action<HashListError>? onError = null, CancellationToken cancellationToken = default)
    {
        var collector = new DeferredCollector();
        var options = HashListReadOptions.Default with { MaxReportedErrors = int.MaxValue };
        var summary = HashListReader.Read(path, kind, collector, options, onError, cancellationToken);
        var entryLines = collector.Inner?.Lines ?? 0;
        var entries = collector.Inner?.CountDistinct() ?? 0;
        return new HashListCheckResult(summary.Kind, summary.Lines, entryLines, entries, summary.ErrorCount, summary.Errors, summary.Version);
    }
}
