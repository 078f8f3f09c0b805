using System.Buffers;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using ScanProxy.Edge;
using ScanProxy.Zones;

namespace ScanProxy.Scanning.Tee;

/// <summary>
/// The question <see cref="ScanTeeBody"/> asks once a response's headers are final: was this URL's object judged
/// clean under this same strong ETag and the zone's current lists (<see cref="KnownObjectCache"/>)? Then it needs
/// neither a copy, a SHA-256 nor an origin fetch. Made per request for the zone the tee serves; the default value
/// (Scanner:KnownObjectTtl zero) always answers no.
/// </summary>
internal readonly struct KnownObjectProbe
{
    private const int StackKeyLength = 1024;

    private readonly KnownObjectCache? _cache;
    private readonly ZoneListResolver? _lists;
    private readonly string? _zoneName;
    private readonly ZoneOptions? _zone;

    public KnownObjectProbe(KnownObjectCache cache, ZoneListResolver lists, string zoneName, ZoneOptions zone)
    {
        _cache = cache;
        _lists = lists;
        _zoneName = zoneName;
        _zone = zone;
    }

    // The key buffer is written before it is read.
    [SkipLocalsInit]
    public bool IsKnownClean(HttpContext context)
    {
        string? etag = context.Response.Headers.ETag;
        if (_cache is null || !KnownObjectCache.IsStrong(etag) || !_lists!.TryResolve(_zoneName!, _zone!, out var lists))
        {
            return false;
        }

        var request = context.Request;
        var prefix = _zoneName!.Length + 1;
        var maxLength = prefix + BlockingMiddleware.GetCanonicalUrlMaxLength(request);
        char[]? rented = null;
        var key = maxLength <= StackKeyLength ? stackalloc char[StackKeyLength] : (rented = ArrayPool<char>.Shared.Rent(maxLength));
        try
        {
            _zoneName.CopyTo(key);
            key[_zoneName.Length] = KnownObjectCache.KeySeparator;
            var length = prefix + BlockingMiddleware.FormatCanonicalUrl(request, _zone!.IgnoreQueryString, key[prefix..]);
            return _cache.IsKnownClean(key[..length], etag!, lists.Scope);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
