namespace ScanProxy.Store;

/// <summary>
/// The shared state of all ScanProxy nodes (SPEC §8): blocklists, detections, the audit log, scan verdicts,
/// digests reviewed as allowed, and the notification outbox. One implementation talks to Redis; the embedded
/// store runs Garnet in-process and uses the same implementation over loopback.
/// </summary>
/// <remarks>
/// Writes made while the backing server is unreachable are queued in the process and written when it returns;
/// they complete as soon as they are queued. Reads during an outage throw <see cref="StoreUnavailableException"/>.
/// </remarks>
internal interface IScanProxyStore
{
    /// <summary>What the store's connection looks like now, for /readyz and metrics.</summary>
    StoreHealth Health { get; }

    /// <summary>Adds a canonical URL to a zone's blocklist and tells every node. False when it was already blocked.</summary>
    ValueTask<bool> BlockAsync(BlockRecord block, CancellationToken cancellationToken = default);

    /// <summary>Removes a canonical URL from a zone's blocklist and tells every node. False when it was not blocked.</summary>
    ValueTask<bool> UnblockAsync(string zone, string canonicalUrl, CancellationToken cancellationToken = default);

    /// <summary>Every block of a zone.</summary>
    Task<IReadOnlyList<BlockRecord>> GetBlocksAsync(string zone, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every blocked canonical URL of a zone, without the records: what a node's copy of the blocklist needs, at a
    /// fraction of the cost of <see cref="GetBlocksAsync"/>.
    /// </summary>
    Task<IReadOnlyList<string>> GetBlockedUrlsAsync(string zone, CancellationToken cancellationToken = default);

    /// <summary>
    /// The zone's blocklist version: it moves with every block or unblock written to the store (from any node, and
    /// also when writes queued during an outage are written), so a copy loaded at version V is complete as long as
    /// the version still reads V. A zone never written through the store reads 0.
    /// </summary>
    Task<long> GetBlocklistVersionAsync(string zone, CancellationToken cancellationToken = default);

    /// <summary>
    /// Calls <paramref name="handler"/> for every block or unblock made by any node, and with
    /// <see cref="BlocklistChangeKind.Resync"/> after the connection comes back (messages may have been missed).
    /// </summary>
    IDisposable SubscribeBlocklist(Action<BlocklistChange> handler);

    /// <summary>Stores a detection (never the image).</summary>
    ValueTask AddDetectionAsync(DetectionRecord detection, CancellationToken cancellationToken = default);

    /// <summary>One detection, or null.</summary>
    Task<DetectionRecord?> GetDetectionAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Detections newest first, optionally of one zone and since a time.</summary>
    Task<IReadOnlyList<DetectionRecord>> GetDetectionsAsync(string? zone, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default);

    /// <summary>Appends to the audit log of changes made through the admin API.</summary>
    ValueTask AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken = default);

    /// <summary>The audit log, newest first.</summary>
    Task<IReadOnlyList<AuditRecord>> GetAuditAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>The verdict recorded for an object's SHA-256 (lower-case hex), or null if it was never judged.</summary>
    Task<ScanVerdict?> GetVerdictAsync(string sha256, CancellationToken cancellationToken = default);

    /// <summary>Records the verdict for an object's SHA-256.</summary>
    ValueTask SetVerdictAsync(string sha256, ScanVerdict verdict, CancellationToken cancellationToken = default);

    /// <summary>Marks a digest as reviewed and allowed in a zone (a false positive), so it is not blocked there again.</summary>
    ValueTask AllowDigestAsync(string zone, string sha256, CancellationToken cancellationToken = default);

    /// <summary>True when the digest was reviewed and allowed in the zone.</summary>
    Task<bool> IsDigestAllowedAsync(string zone, string sha256, CancellationToken cancellationToken = default);

    /// <summary>Adds a notification to the durable outbox. Its id makes the enqueue idempotent.</summary>
    ValueTask EnqueueNotificationAsync(OutboxMessage message, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="max"/> outbox messages that are due now, leased to this node for <paramref name="lease"/>.</summary>
    Task<IReadOnlyList<OutboxMessage>> LeaseDueNotificationsAsync(int max, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Removes a delivered message from the outbox.</summary>
    ValueTask CompleteNotificationAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Puts a failed message back, due again at <paramref name="dueAt"/>, with its attempt count raised.</summary>
    ValueTask RetryNotificationAsync(OutboxMessage message, DateTimeOffset dueAt, string error, CancellationToken cancellationToken = default);

    /// <summary>Remembers an object the scanner could not take now (queue full), to be scanned later.</summary>
    ValueTask AddPendingScanAsync(PendingScan scan, CancellationToken cancellationToken = default);

    /// <summary>Takes up to <paramref name="max"/> remembered objects for scanning.</summary>
    Task<IReadOnlyList<PendingScan>> TakePendingScansAsync(int max, CancellationToken cancellationToken = default);
}
