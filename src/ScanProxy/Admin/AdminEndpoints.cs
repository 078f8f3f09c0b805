using ScanProxy.Edge;
using ScanProxy.Matching;
using ScanProxy.Store;
using ScanProxy.Zones;

namespace ScanProxy.Admin;

/// <summary>The admin API (SPEC §7), answered on the admin listener only.</summary>
internal static class AdminEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    /// <summary>
    /// Maps /healthz, /readyz, /openapi/v1.json and /api/v1/*. They answer on the admin listener only:
    /// <see cref="Hosting.ListenerMatcherPolicy"/> keeps every endpoint without edge metadata off the edge.
    /// </summary>
    public static IEndpointRouteBuilder MapScanProxyAdmin(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok")).ExcludeFromDescription();
        endpoints.MapGet("/readyz", Readiness).ExcludeFromDescription();
        endpoints.MapOpenApi();

        var api = endpoints.MapGroup("/api/v1").AddEndpointFilter<ApiKeyFilter>();
        api.MapGet("/zones", GetZones);
        api.MapGet("/detections", GetDetections);
        api.MapGet("/detections/{id}", GetDetection);
        api.MapGet("/blocks", GetBlocks);
        api.MapPost("/blocks", PostBlock);
        api.MapDelete("/blocks", DeleteBlock);
        api.MapGet("/hashlists", GetHashLists);
        api.MapPost("/hashlists/{name}/reload", ReloadHashList);
        api.MapGet("/audit", GetAudit);
        return endpoints;
    }

    private static IResult Readiness(IScanProxyStore store, HashListCatalog hashLists)
    {
        var reasons = new List<string>();
        var health = store.Health;
        if (!health.IsConnected)
        {
            reasons.Add($"store unreachable: {health.LastError ?? "not connected"}");
        }

        foreach (var list in hashLists.GetStatus())
        {
            if (!list.IsLoaded)
            {
                reasons.Add(list.LastError is null ? $"hash list '{list.Name}' is loading" : $"hash list '{list.Name}' not loaded: {list.LastError}");
            }
        }

        if (reasons.Count > 0)
        {
            return Results.Json(new { status = "unready", reasons, queuedWrites = health.QueuedWrites },
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return Results.Json(new { status = "ready" });
    }

    private static IResult GetZones(ZoneRegistry zones, BlocklistCache blocklist)
    {
        var snapshot = zones.Current;
        var result = new List<ZoneSummary>(snapshot.Zones.Count);
        foreach (var (name, zone) in snapshot.Zones)
        {
            var webhooks = new List<string>(zone.Notify.Webhooks.Count);
            foreach (var webhook in zone.Notify.Webhooks)
            {
                webhooks.Add(webhook.Url);
            }

            result.Add(new ZoneSummary(name, zone.Hosts, zone.Origins, zone.Scan, zone.Mode.ToString(), zone.HashLists,
                zone.MaxDistance, zone.MinQuality, zone.Action.ToString(), zone.BlockStatusCode, zone.IgnoreQueryString,
                zone.Notify.Emails, webhooks, blocklist.Count(name)));
        }

        result.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return Results.Ok(result);
    }

    private static async Task<IResult> GetDetections(IScanProxyStore store, string? zone, DateTimeOffset? since, int? limit, CancellationToken cancellationToken)
    {
        if (ValidateLimit(limit) is { } bad)
        {
            return bad;
        }

        var detections = await store.GetDetectionsAsync(string.IsNullOrEmpty(zone) ? null : zone, since, limit ?? DefaultLimit, cancellationToken);
        return Results.Ok(detections);
    }

    private static async Task<IResult> GetDetection(IScanProxyStore store, string id, CancellationToken cancellationToken)
    {
        var detection = await store.GetDetectionAsync(id, cancellationToken);
        return detection is null ? NotFound($"No detection '{id}'.") : Results.Ok(detection);
    }

    private static async Task<IResult> GetBlocks(IScanProxyStore store, ZoneRegistry zones, string? zone, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(zone))
        {
            return BadRequest("The query parameter 'zone' is required.");
        }

        if (!zones.Current.Zones.ContainsKey(zone))
        {
            return NotFound($"No zone '{zone}'.");
        }

        var blocks = await store.GetBlocksAsync(zone, cancellationToken);
        return Results.Ok(blocks);
    }

    private static async Task<IResult> PostBlock(HttpContext http, IScanProxyStore store, ZoneRegistry zones, TimeProvider clock, BlockRequest? request, CancellationToken cancellationToken)
    {
        if (request is null || string.IsNullOrEmpty(request.Zone) || string.IsNullOrEmpty(request.Url))
        {
            return BadRequest("The body must be JSON with 'zone' and 'url' (and optionally 'reason').");
        }

        var resolved = ResolveUrl(zones.Current, request.Zone, request.Url);
        if (!resolved.Ok)
        {
            return BadRequest(resolved.Error!);
        }

        var canonical = resolved.Canonical;

        var reason = string.IsNullOrWhiteSpace(request.Reason) ? "blocked by operator" : request.Reason;
        var now = clock.GetUtcNow();
        var added = await store.BlockAsync(new BlockRecord(request.Zone, canonical, reason, now), cancellationToken);
        await store.AppendAuditAsync(new AuditRecord(now, Actor(http), "block", request.Zone, canonical, reason), cancellationToken);
        return Results.Json(new { zone = request.Zone, url = canonical, reason, created = added },
            statusCode: added ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<IResult> DeleteBlock(HttpContext http, IScanProxyStore store, ZoneRegistry zones, TimeProvider clock, string? zone, string? url, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(zone) || string.IsNullOrEmpty(url))
        {
            return BadRequest("The query parameters 'zone' and 'url' are required.");
        }

        var resolved = ResolveUrl(zones.Current, zone, url);
        if (!resolved.Ok)
        {
            return BadRequest(resolved.Error!);
        }

        // A scanner block carries the object's digest: unblocking is the operator's review of a false
        // positive, so the same bytes must not be blocked again in this zone.
        string? sha256 = null;
        foreach (var block in await store.GetBlocksAsync(zone, cancellationToken))
        {
            if (block.Url == resolved.Canonical)
            {
                sha256 = block.Sha256;
                break;
            }
        }

        if (!await store.UnblockAsync(zone, resolved.Canonical, cancellationToken))
        {
            return NotFound($"'{resolved.Canonical}' is not blocked in zone '{zone}'.");
        }

        if (sha256 is not null)
        {
            await store.AllowDigestAsync(zone, sha256, cancellationToken);
        }

        await store.AppendAuditAsync(new AuditRecord(clock.GetUtcNow(), Actor(http), "unblock", zone, resolved.Canonical,
            sha256 is null ? null : $"digest {sha256} allowed in zone"), cancellationToken);
        return Results.NoContent();
    }

    private static IResult GetHashLists(HashListCatalog hashLists)
    {
        var statuses = hashLists.GetStatus();
        var result = new List<HashListSummary>(statuses.Count);
        foreach (var status in statuses)
        {
            result.Add(HashListSummary.From(status));
        }

        return Results.Ok(result);
    }

    private static async Task<IResult> ReloadHashList(HttpContext http, IScanProxyStore store, HashListCatalog hashLists, TimeProvider clock, string name, CancellationToken cancellationToken)
    {
        HashListStatus status;
        try
        {
            status = await hashLists.ReloadAsync(name, cancellationToken);
        }
        catch (KeyNotFoundException)
        {
            return NotFound($"No hash list '{name}'.");
        }

        // A reload clears the last error when it succeeds. A failed one leaves the previous version in force;
        // it is reported, and audited, as what it is.
        var failed = status.LastError is not null;
        var detail = failed ? $"reload failed: {status.LastError}" : $"version {status.Version}, {status.Entries} entries";
        await store.AppendAuditAsync(new AuditRecord(clock.GetUtcNow(), Actor(http), "reload-hashlist", null, name, detail), cancellationToken);
        return failed
            ? Results.Json(HashListSummary.From(status), statusCode: StatusCodes.Status422UnprocessableEntity)
            : Results.Ok(HashListSummary.From(status));
    }

    private static async Task<IResult> GetAudit(IScanProxyStore store, int? limit, CancellationToken cancellationToken)
    {
        if (ValidateLimit(limit) is { } bad)
        {
            return bad;
        }

        return Results.Ok(await store.GetAuditAsync(limit ?? DefaultLimit, cancellationToken));
    }

    private static (bool Ok, string Canonical, string? Error) ResolveUrl(ZoneSnapshot zones, string zone, string url)
    {
        if (!zones.Zones.TryGetValue(zone, out var options))
        {
            return (false, "", $"No zone '{zone}'.");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return (false, "", $"'{url}' is not an absolute http(s) URL.");
        }

        if (!zones.TryMatchHost(uri.Host, out var hostZone) || hostZone != zone)
        {
            return (false, "", $"The host '{uri.Host}' is not served by zone '{zone}'.");
        }

        return UrlCanonicalizer.TryCanonicalize(url, options.IgnoreQueryString, out var canonical)
            ? (true, canonical, null)
            : (false, "", $"'{url}' cannot be put in canonical form.");
    }

    private static IResult? ValidateLimit(int? limit) =>
        limit is < 1 or > MaxLimit ? BadRequest($"'limit' must be between 1 and {MaxLimit}.") : null;

    private static string Actor(HttpContext http) => http.Items[ApiKeyFilter.ActorItem] as string ?? "unknown";

    private static IResult BadRequest(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

    private static IResult NotFound(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);
}
