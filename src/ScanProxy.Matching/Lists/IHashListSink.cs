namespace ScanProxy.Matching;

/// <summary>Receives the entries of a hash-list file as the reader finds them.</summary>
internal interface IHashListSink
{
    /// <summary>One entry line: its digest bytes (big-endian, as written) and its id field (UTF-8, possibly empty).</summary>
    void Add(HashListKind kind, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> id);

    /// <summary>Forgets everything added, before the file is read again.</summary>
    void Reset();
}
