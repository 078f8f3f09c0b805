using System.Collections.Concurrent;

namespace ScanProxy.Scanning;

/// <summary>
/// The URLs whose object this node has judged clean, with the strong <c>ETag</c> it had and the zone's list scope
/// at the time, for <see cref="ScannerOptions.KnownObjectTtl"/>. While a response for such a URL comes back with the
/// same ETag and the zone's lists are unchanged, the tee does not copy or hash it again.
/// </summary>
/// <remarks>
/// A strong ETag names one exact representation (RFC 9110 §8.8.3), so an unchanged one means unchanged bytes; the
/// time limit bounds how long an origin that reuses an ETag for new bytes could keep them from being scanned. Weak
/// ETags and responses without one are always teed. At capacity the cache is emptied whole: it only saves work,
/// and every URL it forgets is teed and remembered again at its next request.
/// </remarks>
internal sealed class KnownObjectCache
{
    /// <summary>Between the zone and the canonical URL in a key: a character no canonical URL or zone name holds.</summary>
    public const char KeySeparator = '\n';

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly TimeProvider _time;
    private readonly int _capacity;

    /// <param name="capacity">The most URLs held; 0 holds none.</param>
    /// <param name="time">The clock for the entries' expiry.</param>
    public KnownObjectCache(int capacity, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentNullException.ThrowIfNull(time);
        _capacity = capacity;
        _time = time;
        _bySpan = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The number of URLs held now.</summary>
    public int Count => _entries.Count;

    /// <summary>True when a strong ETag is usable as the object's identity.</summary>
    public static bool IsStrong(string? etag) =>
        !string.IsNullOrEmpty(etag) && !etag.StartsWith("W/", StringComparison.Ordinal);

    /// <summary>True when the URL's object was judged clean under this ETag and list scope, and not too long ago.</summary>
    /// <param name="key">The zone, <see cref="KeySeparator"/>, and the canonical URL.</param>
    /// <param name="etag">The response's ETag.</param>
    /// <param name="scope">The zone's list scope now (<see cref="ZoneLists.Scope"/>).</param>
    public bool IsKnownClean(ReadOnlySpan<char> key, string etag, string scope)
    {
        return _bySpan.TryGetValue(key, out var entry)
            && entry.ExpiresAtTicks > _time.GetUtcNow().UtcTicks
            && string.Equals(entry.ETag, etag, StringComparison.Ordinal)
            && string.Equals(entry.Scope, scope, StringComparison.Ordinal);
    }

    /// <summary>Remembers that the object of <paramref name="url"/> in <paramref name="zone"/> was judged clean.</summary>
    public void RememberClean(string zone, string url, string etag, string scope, TimeSpan ttl)
    {
        if (_capacity == 0 || ttl <= TimeSpan.Zero || !IsStrong(etag))
        {
            return;
        }

        if (_entries.Count >= _capacity)
        {
            _entries.Clear();
        }

        var entry = new Entry(etag, scope, _time.GetUtcNow().UtcTicks + ttl.Ticks);
        _entries[$"{zone}{KeySeparator}{url}"] = entry;
    }

    private sealed record Entry(string ETag, string Scope, long ExpiresAtTicks);
}
