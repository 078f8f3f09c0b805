using System.Text;
using StackExchange.Redis;

namespace ScanProxy.Store;

/// <summary>
/// Every Redis key and channel ScanProxy uses, built in this one place. With the default prefix
/// <c>scanproxy:</c> the layout is:
/// <list type="table">
/// <item><term><c>scanproxy:{zone:Z}:blocks</c></term><description>hash: canonical URL → <see cref="BlockRecord"/> JSON.</description></item>
/// <item><term><c>scanproxy:{zone:Z}:version</c></term><description>string (integer): raised by every block and unblock of the zone, in the same transaction as the hash; missing reads as 0. Nodes reload the zone's blocklist only when it moved.</description></item>
/// <item><term><c>scanproxy:{zone:Z}:allowed</c></term><description>set: SHA-256 digests reviewed as allowed in the zone.</description></item>
/// <item><term><c>scanproxy:{zone:Z}:detections</c></term><description>sorted set: detection id scored by detection time (Unix ms).</description></item>
/// <item><term><c>scanproxy:{detections}:items</c></term><description>hash: detection id → <see cref="DetectionRecord"/> JSON.</description></item>
/// <item><term><c>scanproxy:{detections}:by-time</c></term><description>sorted set: every detection id scored by detection time (Unix ms).</description></item>
/// <item><term><c>scanproxy:{audit}</c></term><description>sorted set: <see cref="AuditRecord"/> JSON scored by time (Unix ms), capped.</description></item>
/// <item><term><c>scanproxy:verdict:SHA256</c></term><description>string: <see cref="ScanVerdict"/> JSON, one key per digest so they spread over a cluster.</description></item>
/// <item><term><c>scanproxy:{outbox}:messages</c></term><description>hash: message id → <see cref="OutboxMessage"/> JSON, or an empty tombstone once delivered.</description></item>
/// <item><term><c>scanproxy:{outbox}:due</c></term><description>sorted set: message id scored by the time it is due (Unix ms).</description></item>
/// <item><term><c>scanproxy:{outbox}:lease:ID</c></term><description>string with a TTL: the node holding the lease of message ID.</description></item>
/// <item><term><c>scanproxy:{pending-scans}</c></term><description>sorted set: <see cref="PendingScan"/> JSON scored by first-served time (Unix ms).</description></item>
/// <item><term>channel <c>scanproxy:blocklist</c></term><description>pub/sub: one compact message per block or unblock (<see cref="BlocklistMessage"/>).</description></item>
/// </list>
/// The part in braces is the Redis Cluster hash tag: all keys of one zone share a slot, and so do the keys of
/// the outbox and those of the detections. A zone name may contain any character: inside the tag <c>%</c>,
/// <c>{</c> and <c>}</c> are percent-encoded, so no name can end the tag early or collide with another name.
/// </summary>
internal sealed class StoreKeys
{
    private readonly string _prefix;

    public StoreKeys(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            // A brace in the prefix would become the hash tag of every key and break the per-zone layout.
            throw new ArgumentException($"ScanProxy:Store:KeyPrefix must not contain '{{' or '}}' (it is \"{prefix}\").", nameof(prefix));
        }

        _prefix = prefix;
        BlocklistChannel = RedisChannel.Literal(prefix + "blocklist");
        DetectionItems = prefix + "{detections}:items";
        DetectionsByTime = prefix + "{detections}:by-time";
        Audit = prefix + "{audit}";
        OutboxMessages = prefix + "{outbox}:messages";
        OutboxDue = prefix + "{outbox}:due";
        PendingScans = prefix + "{pending-scans}";
    }

    /// <summary>The pub/sub channel that carries blocklist changes between nodes.</summary>
    public RedisChannel BlocklistChannel { get; }

    /// <summary>Hash of every detection by id.</summary>
    public RedisKey DetectionItems { get; }

    /// <summary>Sorted set of every detection id by time.</summary>
    public RedisKey DetectionsByTime { get; }

    /// <summary>The capped audit log.</summary>
    public RedisKey Audit { get; }

    /// <summary>Hash of outbox messages by id.</summary>
    public RedisKey OutboxMessages { get; }

    /// <summary>Sorted set of outbox message ids by due time.</summary>
    public RedisKey OutboxDue { get; }

    /// <summary>Sorted set of objects waiting for a scan.</summary>
    public RedisKey PendingScans { get; }

    /// <summary>A zone's blocklist.</summary>
    public RedisKey Blocks(string zone) => ZoneKey(zone, ":blocks");

    /// <summary>A zone's blocklist version: raised with every change of <see cref="Blocks"/>.</summary>
    public RedisKey BlocklistVersion(string zone) => ZoneKey(zone, ":version");

    /// <summary>A zone's allowed digests.</summary>
    public RedisKey AllowedDigests(string zone) => ZoneKey(zone, ":allowed");

    /// <summary>A zone's detection ids by time.</summary>
    public RedisKey ZoneDetectionsByTime(string zone) => ZoneKey(zone, ":detections");

    /// <summary>The verdict of one digest (lower-case hex SHA-256).</summary>
    public RedisKey Verdict(string sha256) => _prefix + "verdict:" + sha256;

    /// <summary>The lease of one outbox message.</summary>
    public RedisKey OutboxLease(string id) => _prefix + "{outbox}:lease:" + id;

    private RedisKey ZoneKey(string zone, string suffix)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var builder = new StringBuilder(_prefix.Length + zone.Length + suffix.Length + 8);
        builder.Append(_prefix).Append("{zone:");
        foreach (var c in zone)
        {
            switch (c)
            {
                case '%': builder.Append("%25"); break;
                case '{': builder.Append("%7B"); break;
                case '}': builder.Append("%7D"); break;
                default: builder.Append(c); break;
            }
        }

        return builder.Append('}').Append(suffix).ToString();
    }
}
