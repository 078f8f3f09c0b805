using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using ScanProxy.Store;
using ScanProxy.Zones;

namespace ScanProxy.Edge;

/// <summary>
/// This node's copy of every zone's blocklist, consulted on the request path without a network round trip.
/// <see cref="BlocklistSynchronizer"/> loads it from the store, keeps it current from the store's change feed and
/// reloads it periodically; when the store is unreachable, enforcement goes on from this copy.
/// </summary>
/// <remarks>
/// A zone's origins are chosen by host name alone, so the scheme and the port of a request cannot change the object
/// served: lookups ignore both, and blocking <c>https://shop.example/a.jpg</c> also blocks
/// <c>http://shop.example:8080/a.jpg</c>. Reads take no lock; writers serialise on a per-zone lock.
/// </remarks>
internal sealed partial class BlocklistCache
{
    private const int StackKeyLength = 512;

    private readonly ConcurrentDictionary<string, ZoneBlocklist> _zones = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILogger<BlocklistCache> _logger;

    public BlocklistCache(ILogger<BlocklistCache> logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
    }

    /// <summary>True when the canonical URL, with this query, is blocked in the zone.</summary>
    public bool IsBlocked(string zone, ReadOnlySpan<char> canonicalUrl) =>
        _zones.TryGetValue(zone, out var list) && list.Entries is { } entries && Contains(entries.ByUrl, canonicalUrl, pathOnly: false);

    /// <summary>
    /// True when some blocked URL of the zone has this path, whatever its query (a query on the argument is ignored).
    /// A zone with <c>IgnoreQueryString</c> blocks on this; the scanner uses it to hold a blocked path's new queries.
    /// </summary>
    public bool IsPathBlockedUnderAnotherQuery(string zone, ReadOnlySpan<char> canonicalUrl) =>
        _zones.TryGetValue(zone, out var list) && list.Entries is { } entries && Contains(entries.ByPath, canonicalUrl, pathOnly: true);

    /// <summary>How many canonical URLs are blocked in the zone.</summary>
    public int Count(string zone) => _zones.TryGetValue(zone, out var list) && list.Entries is { } entries ? entries.Count : 0;

    /// <summary>True once the zone's blocklist has been loaded from the store.</summary>
    public bool IsLoaded(string zone) => _zones.TryGetValue(zone, out var list) && list.Entries is not null;

    /// <summary>
    /// Applies a block or unblock heard from the store. The store tells this node's subscribers of its own writes at
    /// once, even during an outage, so a block made here is enforced here before it reaches Redis. Zones not loaded
    /// yet are left to their load.
    /// </summary>
    public void Apply(BlocklistChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Kind == BlocklistChangeKind.Resync || change.Zone is null || change.Url is null
            || !_zones.TryGetValue(change.Zone, out var list))
        {
            return;
        }

        if (!UrlCanonicalizer.TryCanonicalize(change.Url, ignoreQueryString: false, out var url))
        {
            Log.NotAUrl(_logger, change.Zone, change.Url);
            return;
        }

        var blocked = change.Kind == BlocklistChangeKind.Blocked;
        lock (list.Gate)
        {
            list.Recording?.Add((blocked, url));
            if (blocked)
            {
                list.Entries?.Add(url);
            }
            else
            {
                list.Entries?.Remove(url);
            }
        }
    }

    /// <summary>
    /// Replaces the zone's blocklist with the URLs <paramref name="fetch"/> returns. Changes applied while it runs are
    /// replayed onto the result, so a block heard during the reload is not lost. A URL blocked both before and after
    /// stays blocked throughout; one added or dropped by the reload changes state once. One reload of a zone at a time
    /// (<see cref="BlocklistSynchronizer"/> reloads the zones one after another).
    /// </summary>
    /// <remarks>
    /// <para>
    /// The first load builds the zone's list. Later ones change the list in place by the difference, usually a few
    /// URLs or none: that takes lookups only, where building anew would allocate the lookup keys and dictionary nodes
    /// of every URL again and leave the old ones to a full garbage collection.
    /// </para>
    /// <para>
    /// The store holds canonical URLs only, and <see cref="UrlCanonicalizer.TryCanonicalize"/> hands back the very
    /// string it was given when it is canonical already, so checking costs a pass over each URL and no allocation;
    /// it is kept because a hash written by hand (or by an older version) may hold any spelling.
    /// </para>
    /// </remarks>
    /// <returns>How many URLs the zone now blocks.</returns>
    public async Task<int> ReloadAsync(string zone, Func<CancellationToken, Task<IReadOnlyList<string>>> fetch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(fetch);

        var list = _zones.GetOrAdd(zone, static _ => new ZoneBlocklist());
        lock (list.Gate)
        {
            list.Recording = [];
        }

        try
        {
            var urls = await fetch(cancellationToken);
            var loaded = new HashSet<string>(urls.Count, StringComparer.Ordinal);
            for (var i = 0; i < urls.Count; i++)
            {
                if (UrlCanonicalizer.TryCanonicalize(urls[i], ignoreQueryString: false, out var url))
                {
                    loaded.Add(url);
                }
                else
                {
                    Log.NotAUrl(_logger, zone, urls[i]);
                }
            }

            // Only a reload sets Entries, and a zone has one reload at a time: null here stays null until the swap.
            return list.Entries is null ? Load(list, loaded) : Update(list, loaded);
        }
        finally
        {
            lock (list.Gate)
            {
                list.Recording = null;
            }
        }
    }

    // The first load: builds the list outside the lock (the zone blocks nothing yet), then replays and publishes it.
    private static int Load(ZoneBlocklist list, HashSet<string> loaded)
    {
        var entries = new Entries(loaded.Count);
        foreach (var url in loaded)
        {
            entries.Add(url);
        }

        lock (list.Gate)
        {
            foreach (var (blocked, url) in list.Recording!)
            {
                if (blocked)
                {
                    entries.Add(url);
                }
                else
                {
                    entries.Remove(url);
                }
            }

            list.Entries = entries;
            return entries.Count;
        }
    }

    // A later load: moves the list in force to the snapshot plus the changes heard meanwhile, in place.
    private static int Update(ZoneBlocklist list, HashSet<string> loaded)
    {
        lock (list.Gate)
        {
            // Onto the snapshot first, so the list moves straight from its old state to the new one.
            foreach (var (blocked, url) in list.Recording!)
            {
                if (blocked)
                {
                    loaded.Add(url);
                }
                else
                {
                    loaded.Remove(url);
                }
            }

            var entries = list.Entries!;
            entries.MoveTo(loaded);
            return entries.Count;
        }
    }

    /// <summary>
    /// Replaces the zone's blocklist with the URLs of the records <paramref name="fetch"/> returns, as
    /// <see cref="ReloadAsync(string, Func{CancellationToken, Task{IReadOnlyList{string}}}, CancellationToken)"/> does:
    /// for callers that hold whole records (tests, benchmarks).
    /// </summary>
    /// <returns>How many URLs the zone now blocks.</returns>
    public Task<int> ReloadAsync(string zone, Func<CancellationToken, Task<IReadOnlyList<BlockRecord>>> fetch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return ReloadAsync(
            zone,
            async ct =>
            {
                var blocks = await fetch(ct);
                var urls = new string[blocks.Count];
                for (var i = 0; i < urls.Length; i++)
                {
                    urls[i] = blocks[i].Url;
                }

                return (IReadOnlyList<string>)urls;
            },
            cancellationToken);
    }

    /// <summary>Forgets every zone not in <paramref name="zones"/> (zones removed from the configuration).</summary>
    public void RetainZones(IReadOnlyDictionary<string, ZoneOptions> zones)
    {
        ArgumentNullException.ThrowIfNull(zones);
        foreach (var name in _zones.Keys)
        {
            if (!zones.ContainsKey(name))
            {
                _zones.TryRemove(name, out _);
            }
        }
    }

    // The lookup key is the canonical URL from the host on, without the port: "shop.example/a.jpg?x=1".
    [SkipLocalsInit]
    private static bool Contains(ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> set, ReadOnlySpan<char> canonicalUrl, bool pathOnly)
    {
        if (!TrySplit(canonicalUrl, pathOnly, out var host, out var tail, out var contiguous))
        {
            return false;
        }

        if (contiguous)
        {
            return set.ContainsKey(canonicalUrl.Slice(host.Start.Value, (host.End.Value - host.Start.Value) + tail.Length));
        }

        // A port sits between host and path: join them (the edge never passes a port, so this is rare).
        var length = (host.End.Value - host.Start.Value) + tail.Length;
        char[]? rented = null;
        var key = length <= StackKeyLength ? stackalloc char[StackKeyLength] : (rented = ArrayPool<char>.Shared.Rent(length));
        try
        {
            canonicalUrl[host].CopyTo(key);
            tail.CopyTo(key[(host.End.Value - host.Start.Value)..]);
            return set.ContainsKey(key[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static bool TrySplit(ReadOnlySpan<char> url, bool pathOnly, out Range host, out ReadOnlySpan<char> tail, out bool contiguous)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        if (start < 0)
        {
            host = default;
            tail = default;
            contiguous = false;
            return false;
        }

        start += 3;
        var authorityLength = url[start..].IndexOfAny('/', '?');
        authorityLength = authorityLength < 0 ? url.Length - start : authorityLength;
        var hostLength = HostName.WithoutPort(url.Slice(start, authorityLength)).Length;
        host = new Range(start, start + hostLength);
        tail = url[(start + authorityLength)..];
        if (pathOnly)
        {
            var query = tail.IndexOf('?');
            tail = query < 0 ? tail : tail[..query];
        }

        contiguous = hostLength == authorityLength;
        return true;
    }

    private static string KeyOf(string canonicalUrl, bool pathOnly)
    {
        TrySplit(canonicalUrl, pathOnly, out var host, out var tail, out var contiguous);
        return contiguous
            ? canonicalUrl.Substring(host.Start.Value, (host.End.Value - host.Start.Value) + tail.Length)
            : string.Concat(canonicalUrl.AsSpan()[host], tail);
    }

    private sealed class ZoneBlocklist
    {
        public readonly Lock Gate = new();

        // Null until the zone is first loaded; replaced whole by a reload.
        public volatile Entries? Entries;

        // Changes applied while a reload is fetching, replayed onto its result.
        public List<(bool Blocked, string Url)>? Recording;
    }

    // One zone's blocked URLs. Writers hold the zone's lock; readers only call ContainsKey.
    private sealed class Entries
    {
        // Key → how many distinct canonical URLs (differing only in scheme or port) share it. Sized for the load up
        // front (growing rehashes every entry, several times over); one lock, since writers hold the zone's lock.
        private readonly ConcurrentDictionary<string, int> _byUrl;
        private readonly ConcurrentDictionary<string, int> _byPath;
        private readonly HashSet<string> _urls;
        private volatile int _count;

        public Entries(int capacity)
        {
            _byUrl = new(concurrencyLevel: 1, capacity, StringComparer.Ordinal);
            _byPath = new(concurrencyLevel: 1, capacity, StringComparer.Ordinal);
            _urls = new(capacity, StringComparer.Ordinal);
            ByUrl = _byUrl.GetAlternateLookup<ReadOnlySpan<char>>();
            ByPath = _byPath.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> ByUrl { get; }

        public ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> ByPath { get; }

        public int Count => _count;

        public void Add(string canonicalUrl)
        {
            if (!_urls.Add(canonicalUrl))
            {
                return;
            }

            var key = KeyOf(canonicalUrl, pathOnly: false);
            Retain(_byUrl, key);
            Retain(_byPath, key.Contains('?', StringComparison.Ordinal) ? KeyOf(canonicalUrl, pathOnly: true) : key);
            _count = _urls.Count;
        }

        /// <summary>
        /// Adds and removes URLs until this holds exactly <paramref name="urls"/>. Adds come first, so a path whose
        /// blocked query changes stays blocked under another query throughout.
        /// </summary>
        public void MoveTo(HashSet<string> urls)
        {
            foreach (var url in urls)
            {
                Add(url);
            }

            List<string>? dropped = null;
            foreach (var url in _urls)
            {
                if (!urls.Contains(url))
                {
                    (dropped ??= []).Add(url);
                }
            }

            if (dropped is not null)
            {
                foreach (var url in dropped)
                {
                    Remove(url);
                }
            }
        }

        public void Remove(string canonicalUrl)
        {
            if (!_urls.Remove(canonicalUrl))
            {
                return;
            }

            Release(_byUrl, KeyOf(canonicalUrl, pathOnly: false));
            Release(_byPath, KeyOf(canonicalUrl, pathOnly: true));
            _count = _urls.Count;
        }

        // One lookup for a new key, the common case of a load.
        private static void Retain(ConcurrentDictionary<string, int> set, string key)
        {
            if (!set.TryAdd(key, 1))
            {
                set[key]++;
            }
        }

        private static void Release(ConcurrentDictionary<string, int> set, string key)
        {
            var remaining = set.GetValueOrDefault(key) - 1;
            if (remaining > 0)
            {
                set[key] = remaining;
            }
            else
            {
                set.TryRemove(key, out _);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Zone {Zone}: the blocked URL '{Url}' is not an absolute http(s) URL and is not enforced.")]
        public static partial void NotAUrl(ILogger logger, string zone, string url);
    }
}
