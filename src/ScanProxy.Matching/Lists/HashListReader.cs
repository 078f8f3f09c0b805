using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;
using Microsoft.Win32.SafeHandles;

namespace ScanProxy.Matching;

/// <summary>
/// Streams a hash-list file line by line through one pooled buffer: the raw text is never held whole, and no
/// string is made for a good line. Every bad line is counted; the first few are kept with their line numbers.
/// </summary>
/// <remarks>
/// A file replaced while it is being read gives either the old or the new content, never a mix. The file is
/// opened once and read through that one handle, so a replacement by rename (what editors and careful tools
/// do) leaves the reader on the old file to the end. A rewrite in place changes the length or the
/// modification time of the open file; both are compared before and after the read, and a changed file is
/// read again from the start.
/// </remarks>
internal sealed class HashListReader
{
    private const int ReadAttempts = 3;
    private static readonly byte[] s_utf8Bom = [0xEF, 0xBB, 0xBF];

    private readonly HashListReadOptions _options;
    private readonly IHashListSink _sink;
    private readonly HashListKind? _requestedKind;
    private readonly List<HashListError> _errors = [];
    private HashListKind? _kind;
    private bool _seenData;

    private HashListReader(HashListKind? kind, IHashListSink sink, HashListReadOptions options)
    {
        _requestedKind = kind;
        _sink = sink;
        _options = options;
    }

    /// <summary>Called after each chunk with the bytes read so far; lets tests change the file mid-read.</summary>
    internal static Action<string, long>? AfterChunkForTesting { get; set; }

    /// <summary>
    /// Reads <paramref name="path"/>, passing each entry line to <paramref name="sink"/>. When
    /// <paramref name="kind"/> is null, the first entry line decides it (64 hex digits are taken as PDQ).
    /// </summary>
    public static HashListReadSummary Read(
        string path, HashListKind? kind, IHashListSink sink, HashListReadOptions options, Action<HashListError>? onError, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var reader = new HashListReader(kind, sink, options);
            var summary = reader.ReadOnce(path, onError, cancellationToken);
            if (summary is not null)
            {
                return summary;
            }

            sink.Reset();
            if (attempt == ReadAttempts)
            {
                throw new IOException($"{path}: the file kept changing while it was being read ({ReadAttempts} attempts).");
            }
        }
    }

    private HashListReadSummary? ReadOnce(string path, Action<HashListError>? onError, CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        var lengthBefore = RandomAccess.GetLength(handle);
        var writtenBefore = File.GetLastWriteTimeUtc(handle);
        _kind = _requestedKind;

        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var (lines, errorCount, bytesRead) = ReadLines(handle, path, sha256, onError, cancellationToken);

        if (RandomAccess.GetLength(handle) != lengthBefore || File.GetLastWriteTimeUtc(handle) != writtenBefore || bytesRead != lengthBefore)
        {
            return null;
        }

        if (bytesRead == 0)
        {
            errorCount = 1;
            Report(new HashListError(1, "the file is empty (0 bytes); a list meant to be empty needs at least a comment or a header line"), onError);
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        sha256.GetHashAndReset(digest);
        return new HashListReadSummary(_kind ?? _requestedKind, lines, errorCount, _errors, Convert.ToHexStringLower(digest[..8]), bytesRead);
    }

    private (long Lines, long Errors, long Bytes) ReadLines(
        SafeFileHandle handle, string path, IncrementalHash sha256, Action<HashListError>? onError, CancellationToken cancellationToken)
    {
        var maxLine = _options.MaxLineLength;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1 << 20, 2 * maxLine));
        try
        {
            long offset = 0;
            long lineNumber = 0;
            long errors = 0;
            var filled = 0;
            var skippingLongLine = false;
            var atStart = true;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var read = RandomAccess.Read(handle, buffer.AsSpan(filled), offset);
                sha256.AppendData(buffer.AsSpan(filled, read));
                offset += read;
                filled += read;

                var position = 0;
                if (atStart && (filled >= s_utf8Bom.Length || read == 0))
                {
                    atStart = false;
                    if (buffer.AsSpan(0, filled).StartsWith(s_utf8Bom))
                    {
                        position = s_utf8Bom.Length;
                    }
                }
                else if (atStart)
                {
                    continue;
                }

                while (true)
                {
                    var newline = buffer.AsSpan(position, filled - position).IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        break;
                    }

                    lineNumber++;
                    if (skippingLongLine)
                    {
                        skippingLongLine = false;
                    }
                    else
                    {
                        errors += HandleLine(buffer.AsSpan(position, newline), lineNumber, onError);
                    }

                    position += newline + 1;
                }

                if (read == 0)
                {
                    if (position < filled)
                    {
                        lineNumber++;
                        if (!skippingLongLine)
                        {
                            errors += HandleLine(buffer.AsSpan(position, filled - position), lineNumber, onError);
                        }
                    }

                    return (lineNumber, errors, offset);
                }

                var rest = filled - position;
                if (rest > maxLine)
                {
                    if (!skippingLongLine)
                    {
                        errors++;
                        Report(LineTooLong(lineNumber + 1), onError);
                        skippingLongLine = true;
                    }

                    rest = 0;
                }

                buffer.AsSpan(filled - rest, rest).CopyTo(buffer);
                filled = rest;
                AfterChunkForTesting?.Invoke(path, offset);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Parses one line; returns 1 when it is bad, else 0.</summary>
    private int HandleLine(ReadOnlySpan<byte> line, long lineNumber, Action<HashListError>? onError)
    {
        if (line.Length > _options.MaxLineLength)
        {
            Report(LineTooLong(lineNumber), onError);
            return 1;
        }

        line = line.Trim(" \t\r"u8);
        if (line.IsEmpty || line[0] == (byte)'#')
        {
            return 0;
        }

        var comma = line.IndexOf((byte)',');
        var hex = (comma < 0 ? line : line[..comma]).Trim(" \t"u8);
        var id = ReadOnlySpan<byte>.Empty;
        if (comma >= 0)
        {
            id = line[(comma + 1)..];
            var next = id.IndexOf((byte)',');
            id = (next < 0 ? id : id[..next]).Trim(" \t"u8);
        }

        if (!_seenData)
        {
            _seenData = true;
            if (IsHeader(hex))
            {
                return 0;
            }
        }

        var kind = _kind ?? HashListKinds.FromHexLength(hex.Length);
        var error = CheckHex(hex, kind);
        if (error is null && !Utf8.IsValid(id))
        {
            error = "the id is not valid UTF-8";
        }

        if (error is not null)
        {
            Report(new HashListError(lineNumber, error), onError);
            return 1;
        }

        _kind = kind!.Value;
        Span<byte> digest = stackalloc byte[32];
        digest = digest[..kind.Value.DigestLength()];
        Convert.FromHexString(hex, digest, out _, out _);
        _sink.Add(kind.Value, digest, id);
        return 0;
    }

    private HashListError LineTooLong(long lineNumber) => new(lineNumber, $"the line is longer than {_options.MaxLineLength} bytes");

    private string? CheckHex(ReadOnlySpan<byte> hex, HashListKind? kind)
    {
        if (hex.IsEmpty)
        {
            return "the line has no hash before the first comma";
        }

        for (var i = 0; i < hex.Length; i++)
        {
            if (!char.IsAsciiHexDigit((char)hex[i]))
            {
                return $"'{Show(hex.Slice(i, 1))}' at column {i + 1} of '{Show(hex)}' is not a hex digit";
            }
        }

        if (kind is null)
        {
            return $"'{Show(hex)}' has {hex.Length} hex digits; a hash list holds PDQ hashes or SHA-256 digests (64), MD5 (32) or SHA-1 (40) digests";
        }

        var expected = kind.Value.HexLength();
        if (hex.Length != expected)
        {
            var like = _kind is null || _requestedKind is not null ? "" : " like the first entry";
            return $"'{Show(hex)}' has {hex.Length} hex digits; a {kind.Value.DisplayName()} has {expected}{like}";
        }

        return null;
    }

    /// <summary>
    /// A header is a first data line whose first field is a name (starts with a letter; letters, digits,
    /// '_', '-', '.', ' ') that is not all hex digits, e.g. <c>hash,id</c> or <c>pdq_hex,quality</c>.
    /// </summary>
    private static bool IsHeader(ReadOnlySpan<byte> field)
    {
        if (field.IsEmpty || !char.IsAsciiLetter((char)field[0]))
        {
            return false;
        }

        var hasNonHex = false;
        foreach (var b in field)
        {
            var c = (char)b;
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.' or ' '))
            {
                return false;
            }

            hasNonHex |= !char.IsAsciiHexDigit(c);
        }

        return hasNonHex;
    }

    private void Report(HashListError error, Action<HashListError>? onError)
    {
        if (onError is not null)
        {
            onError(error);
        }
        else if (_errors.Count < _options.MaxReportedErrors)
        {
            _errors.Add(error);
        }
    }

    private static string Show(ReadOnlySpan<byte> text)
    {
        const int MaxShown = 80;
        var shown = Encoding.UTF8.GetString(text.Length > MaxShown ? text[..MaxShown] : text);
        var chars = shown.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsControl(chars[i]))
            {
                chars[i] = '?';
            }
        }

        return text.Length > MaxShown ? new string(chars) + "..." : new string(chars);
    }
}
