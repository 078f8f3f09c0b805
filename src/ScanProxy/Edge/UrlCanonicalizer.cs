using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;

namespace ScanProxy.Edge;

/// <summary>
/// The canonical URL (SPEC §4): one spelling for every way of writing a URL that the origin serves the same object
/// for, so that a blocked URL stays blocked however a client spells it.
/// </summary>
/// <remarks>
/// <para>
/// Scheme and host are lower-cased; the host loses a trailing dot and the scheme's default port. In the path,
/// <c>.</c> and <c>..</c> segments are resolved and repeated slashes collapsed; in the query, parameters are
/// sorted by name, then value, and empty ones dropped; the fragment is dropped.
/// </para>
/// <para>
/// Percent-escapes: an escape of a character that may stand unescaped in its part of the URL is decoded, every
/// other escape is upper-cased, and characters that may not stand unescaped are escaped (non-ASCII as UTF-8).
/// In the path this decodes the sub-delimiters, ':' and '@' as well as the unreserved characters, because Kestrel
/// decodes them before YARP forwards the path, so the origin cannot tell <c>%21</c> from <c>!</c>; <c>%2F</c>
/// stays encoded there for the same reason, and <c>%252F</c> becomes <c>%2F</c> since the origin receives both as
/// <c>%252F</c>. In the query, the separators <c>&amp; = + ;</c> stay encoded.
/// </para>
/// </remarks>
// Buffers on the stack are written before they are read; zeroing them would cost more than the work itself.
[SkipLocalsInit]
internal static class UrlCanonicalizer
{
    private const int StackBufferLength = 1024;

    // RFC 3986 pchar without '%': what may stand unescaped in a path segment, and what YARP forwards unescaped.
    private static readonly SearchValues<char> s_pathChars =
        SearchValues.Create("!$&'()*+,-.0123456789:;=@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~");

    // What may stand unescaped in a query parameter ('&' separates parameters and never reaches this test).
    private static readonly SearchValues<char> s_queryChars =
        SearchValues.Create("!$'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~");

    // Escapes decoded in a query: all of the above but the characters that structure a query string.
    private static readonly SearchValues<char> s_queryDecodable =
        SearchValues.Create("!$'()*,-./0123456789:?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~");

    // What a host name may contain (IDNs arrive as punycode).
    private static readonly SearchValues<char> s_hostChars =
        SearchValues.Create("-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz");

    /// <summary>The canonical URL of a request, from its scheme, Host header and request target.</summary>
    /// <param name="scheme">"http" or "https", any case.</param>
    /// <param name="host">The Host header: a host name or IP literal with an optional port.</param>
    /// <param name="pathAndQuery">The request target: path, optional query, optional fragment.</param>
    /// <param name="ignoreQueryString">Drop the query, as a zone with <c>IgnoreQueryString</c> does.</param>
    public static string Canonicalize(string scheme, string host, string pathAndQuery, bool ignoreQueryString)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(pathAndQuery);

        var maxLength = GetMaxLength(scheme, host, pathAndQuery);
        char[]? rented = null;
        var buffer = maxLength <= StackBufferLength
            ? stackalloc char[StackBufferLength]
            : (rented = ArrayPool<char>.Shared.Rent(maxLength));
        try
        {
            var written = Write(scheme, host, pathAndQuery, ignoreQueryString, buffer);
            return new string(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// The canonical form of an absolute http(s) URL, for URLs given by an operator or the scanner. When the URL is
    /// already canonical, <paramref name="canonical"/> is the same string instance.
    /// </summary>
    /// <returns>False when the URL is not an absolute http(s) URL with a valid host and no user information.</returns>
    public static bool TryCanonicalize(string absoluteUrl, bool ignoreQueryString, [NotNullWhen(true)] out string? canonical)
    {
        canonical = null;
        if (absoluteUrl is null || !TrySplitAbsolute(absoluteUrl, out var schemeLength, out var authority, out var target))
        {
            return false;
        }

        var scheme = absoluteUrl.AsSpan(0, schemeLength);
        var maxLength = GetMaxLength(scheme, authority, target);
        char[]? rented = null;
        var buffer = maxLength <= StackBufferLength
            ? stackalloc char[StackBufferLength]
            : (rented = ArrayPool<char>.Shared.Rent(maxLength));
        try
        {
            var written = Write(scheme, authority, target, ignoreQueryString, buffer);
            canonical = buffer[..written].SequenceEqual(absoluteUrl) ? absoluteUrl : new string(buffer[..written]);
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Writes the canonical URL into <paramref name="destination"/> without allocating: the request path's form.
    /// </summary>
    /// <returns>False, with nothing written, when <paramref name="destination"/> is shorter than <see cref="GetMaxLength"/>.</returns>
    public static bool TryFormat(
        ReadOnlySpan<char> scheme,
        ReadOnlySpan<char> host,
        ReadOnlySpan<char> pathAndQuery,
        bool ignoreQueryString,
        Span<char> destination,
        out int charsWritten)
    {
        if (destination.Length < GetMaxLength(scheme, host, pathAndQuery))
        {
            charsWritten = 0;
            return false;
        }

        charsWritten = Write(scheme, host, pathAndQuery, ignoreQueryString, destination);
        return true;
    }

    /// <summary>
    /// A buffer length enough for any input of these lengths, including room to sort the query: an ASCII character
    /// grows to at most 3 (an escape), any other to at most 9 (three UTF-8 escapes).
    /// </summary>
    public static int GetMaxLength(ReadOnlySpan<char> scheme, ReadOnlySpan<char> host, ReadOnlySpan<char> pathAndQuery)
    {
        var growth = Ascii.IsValid(pathAndQuery) ? 3 : 9;
        return scheme.Length + 3 + host.Length + 8 + (2 * growth * pathAndQuery.Length);
    }

    private static int Write(ReadOnlySpan<char> scheme, ReadOnlySpan<char> host, ReadOnlySpan<char> target, bool ignoreQueryString, Span<char> destination)
    {
        var position = scheme.ToLowerInvariant(destination);
        "://".CopyTo(destination[position..]);
        position += 3;
        position = WriteHost(scheme, host, destination, position);

        var fragment = target.IndexOf('#');
        if (fragment >= 0)
        {
            target = target[..fragment];
        }

        var queryStart = target.IndexOf('?');
        var path = queryStart < 0 ? target : target[..queryStart];
        position = WritePath(path, destination, position);
        if (queryStart >= 0 && !ignoreQueryString)
        {
            position = WriteQuery(target[(queryStart + 1)..], destination, position);
        }

        return position;
    }

    private static int WriteHost(ReadOnlySpan<char> scheme, ReadOnlySpan<char> authority, Span<char> destination, int position)
    {
        ReadOnlySpan<char> name;
        ReadOnlySpan<char> port;
        if (authority.Length > 0 && authority[0] == '[')
        {
            var end = authority.IndexOf(']');
            name = end < 0 ? authority : authority[..(end + 1)];
            port = end < 0 || end + 1 >= authority.Length || authority[end + 1] != ':' ? default : authority[(end + 2)..];
        }
        else
        {
            var colon = authority.IndexOf(':');
            name = colon < 0 ? authority : authority[..colon];
            port = colon < 0 ? default : authority[(colon + 1)..];
            if (name.Length > 1 && name[^1] == '.')
            {
                name = name[..^1];
            }
        }

        position += name.ToLowerInvariant(destination[position..]);
        if (port.IsEmpty)
        {
            return position;
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            // Kestrel refuses such a Host header; kept as given so that nothing is silently merged.
            destination[position++] = ':';
            port.CopyTo(destination[position..]);
            return position + port.Length;
        }

        var defaultPort = scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? 443
            : scheme.Equals("http", StringComparison.OrdinalIgnoreCase) ? 80
            : -1;
        if (number == defaultPort)
        {
            return position;
        }

        destination[position++] = ':';
        number.TryFormat(destination[position..], out var written, default, CultureInfo.InvariantCulture);
        return position + written;
    }

    private static int WritePath(ReadOnlySpan<char> path, Span<char> destination, int position)
    {
        var root = position;
        destination[position++] = '/';
        var keepTrailingSlash = true;
        while (!path.IsEmpty)
        {
            var slash = path.IndexOf('/');
            var segment = slash < 0 ? path : path[..slash];
            path = slash < 0 ? default : path[(slash + 1)..];

            // Invariant: destination[root..position] ends with '/'. An empty segment (repeated slash) adds nothing.
            var segmentStart = position;
            position = WriteEscaped(segment, s_pathChars, s_pathChars, destination, position);
            var written = destination[segmentStart..position];
            if (written.IsEmpty)
            {
                keepTrailingSlash = true;
            }
            else if (written is ".")
            {
                position = segmentStart;
                keepTrailingSlash = true;
            }
            else if (written is "..")
            {
                position = segmentStart;
                if (position - 1 > root)
                {
                    position = root + destination[root..(position - 1)].LastIndexOf('/') + 1;
                }

                keepTrailingSlash = true;
            }
            else
            {
                destination[position++] = '/';
                keepTrailingSlash = slash < 0 ? false : path.IsEmpty;
            }
        }

        // "/a/b" ends at b; "/a/b/", "/a/b/." and "/a/b/c/.." end with the slash (RFC 3986 §5.2.4).
        return keepTrailingSlash || position - 1 == root ? position : position - 1;
    }

    private static int WriteQuery(ReadOnlySpan<char> query, Span<char> destination, int position)
    {
        var questionMark = position++;
        var upperBound = query.Count('&') + 1;
        QueryParameter[]? rented = null;
        var parameters = upperBound <= 32
            ? stackalloc QueryParameter[32]
            : (rented = ArrayPool<QueryParameter>.Shared.Rent(upperBound));
        try
        {
            var count = 0;
            while (true)
            {
                var ampersand = query.IndexOf('&');
                var raw = ampersand < 0 ? query : query[..ampersand];
                if (!raw.IsEmpty)
                {
                    if (count > 0)
                    {
                        destination[position++] = '&';
                    }

                    var start = position;
                    position = WriteEscaped(raw, s_queryChars, s_queryDecodable, destination, position);
                    var equals = destination[start..position].IndexOf('=');
                    parameters[count++] = new QueryParameter(start, position - start, equals < 0 ? position - start : equals);
                }

                if (ampersand < 0)
                {
                    break;
                }

                query = query[(ampersand + 1)..];
            }

            if (count == 0)
            {
                return questionMark;
            }

            var written = parameters[..count];
            if (!IsSorted(written, destination))
            {
                // Sort in place, then lay the parameters out in order after the unsorted text and copy them back.
                HeapSort(written, destination);
                var sorted = position;
                for (var i = 0; i < written.Length; i++)
                {
                    if (i > 0)
                    {
                        destination[sorted++] = '&';
                    }

                    destination.Slice(written[i].Start, written[i].Length).CopyTo(destination[sorted..]);
                    sorted += written[i].Length;
                }

                destination[position..sorted].CopyTo(destination[(questionMark + 1)..]);
            }

            destination[questionMark] = '?';
            return position;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<QueryParameter>.Shared.Return(rented);
            }
        }
    }

    // Copies a path segment or query parameter, decoding escapes of characters in 'decodable', upper-casing every
    // other escape, and escaping characters outside 'allowed' (non-ASCII as UTF-8; a '%' that starts no escape as %25).
    // Runs of characters that stay as they are, the common case, are found and copied vectorised.
    private static int WriteEscaped(ReadOnlySpan<char> source, SearchValues<char> allowed, SearchValues<char> decodable, Span<char> destination, int position)
    {
        var isPath = allowed == s_pathChars;
        while (true)
        {
            var run = source.IndexOfAnyExcept(allowed);
            if (run < 0)
            {
                source.CopyTo(destination[position..]);
                return position + source.Length;
            }

            source[..run].CopyTo(destination[position..]);
            position += run;
            source = source[run..];

            var c = source[0];
            var consumed = 1;
            if (c == '%')
            {
                if (source.Length > 2 && char.IsAsciiHexDigit(source[1]) && char.IsAsciiHexDigit(source[2]))
                {
                    var decoded = (char)((HexValue(source[1]) << 4) | HexValue(source[2]));
                    consumed = 3;
                    if (decoded == '%' && isPath && source.Length > 4 && source[3] == '2' && (source[4] | 0x20) == 'f')
                    {
                        // Kestrel decodes "%252F" to the "%2F" it leaves undecoded in "%2F", and YARP forwards
                        // both as "%252F": behind the proxy they are one URL.
                        "%2F".CopyTo(destination[position..]);
                        position += 3;
                        consumed = 5;
                    }
                    else if (decodable.Contains(decoded))
                    {
                        destination[position++] = decoded;
                    }
                    else
                    {
                        position = WriteEscape((byte)decoded, destination, position);
                    }
                }
                else
                {
                    position = WriteEscape((byte)'%', destination, position);
                }
            }
            else if (char.IsAscii(c))
            {
                position = WriteEscape((byte)c, destination, position);
            }
            else
            {
                consumed = WriteUtf8Escapes(source, destination, ref position);
            }

            source = source[consumed..];
        }
    }

    // Escapes the character (or surrogate pair) at the start of 'source' as UTF-8; a lone surrogate becomes U+FFFD.
    private static int WriteUtf8Escapes(ReadOnlySpan<char> source, Span<char> destination, ref int position)
    {
        if (Rune.DecodeFromUtf16(source, out var rune, out var consumed) != OperationStatus.Done)
        {
            rune = Rune.ReplacementChar;
        }

        Span<byte> utf8 = stackalloc byte[4];
        var length = rune.EncodeToUtf8(utf8);
        for (var i = 0; i < length; i++)
        {
            position = WriteEscape(utf8[i], destination, position);
        }

        return consumed;
    }

    private static int WriteEscape(byte value, Span<char> destination, int position)
    {
        destination[position] = '%';
        destination[position + 1] = HexUpper(value >> 4);
        destination[position + 2] = HexUpper(value & 0xF);
        return position + 3;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static char HexUpper(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);

    private static bool IsSorted(ReadOnlySpan<QueryParameter> parameters, ReadOnlySpan<char> text)
    {
        for (var i = 1; i < parameters.Length; i++)
        {
            if (Compare(parameters[i - 1], parameters[i], text) > 0)
            {
                return false;
            }
        }

        return true;
    }

    // By name, then by the rest ("" before "=value"), ordinal. Equal parameters are identical text, so an unstable
    // sort is fine; heapsort keeps a crafted query with thousands of parameters at n log n without allocating.
    private static int Compare(QueryParameter a, QueryParameter b, ReadOnlySpan<char> text)
    {
        var byName = text.Slice(a.Start, a.NameLength).SequenceCompareTo(text.Slice(b.Start, b.NameLength));
        return byName != 0
            ? byName
            : text.Slice(a.Start + a.NameLength, a.Length - a.NameLength).SequenceCompareTo(text.Slice(b.Start + b.NameLength, b.Length - b.NameLength));
    }

    private static void HeapSort(Span<QueryParameter> items, ReadOnlySpan<char> text)
    {
        for (var i = (items.Length / 2) - 1; i >= 0; i--)
        {
            SiftDown(items, i, items.Length, text);
        }

        for (var end = items.Length - 1; end > 0; end--)
        {
            (items[0], items[end]) = (items[end], items[0]);
            SiftDown(items, 0, end, text);
        }
    }

    private static void SiftDown(Span<QueryParameter> items, int root, int length, ReadOnlySpan<char> text)
    {
        while (true)
        {
            var child = (2 * root) + 1;
            if (child >= length)
            {
                return;
            }

            if (child + 1 < length && Compare(items[child], items[child + 1], text) < 0)
            {
                child++;
            }

            if (Compare(items[root], items[child], text) >= 0)
            {
                return;
            }

            (items[root], items[child]) = (items[child], items[root]);
            root = child;
        }
    }

    private static bool TrySplitAbsolute(string url, out int schemeLength, out ReadOnlySpan<char> authority, out ReadOnlySpan<char> target)
    {
        authority = default;
        target = default;
        schemeLength = url.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeLength < 0 ? default : url.AsSpan(0, schemeLength);
        if (!scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = url.AsSpan(schemeLength + 3);
        var end = rest.IndexOfAny('/', '?', '#');
        authority = end < 0 ? rest : rest[..end];
        target = end < 0 ? default : rest[end..];
        return IsValidAuthority(authority);
    }

    private static bool IsValidAuthority(ReadOnlySpan<char> authority)
    {
        ReadOnlySpan<char> host;
        ReadOnlySpan<char> port;
        if (authority.Length > 0 && authority[0] == '[')
        {
            var end = authority.IndexOf(']');
            if (end < 0 || !IPAddress.TryParse(authority[1..end], out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                return false;
            }

            host = authority[..(end + 1)];
            var rest = authority[(end + 1)..];
            if (!rest.IsEmpty && rest[0] != ':')
            {
                return false;
            }

            port = rest.IsEmpty ? default : rest[1..];
        }
        else
        {
            var colon = authority.IndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            port = colon < 0 ? default : authority[(colon + 1)..];
            var name = host.Length > 1 && host[^1] == '.' ? host[..^1] : host;
            if (name.IsEmpty || name.ContainsAnyExcept(s_hostChars) || name[0] == '.' || name.Contains("..", StringComparison.Ordinal))
            {
                return false;
            }
        }

        return port.IsEmpty || (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= 65535);
    }

    private readonly record struct QueryParameter(int Start, int Length, int NameLength);
}
