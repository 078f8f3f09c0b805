// TEMPORARY: development stand-in until the Redis store lands on main. Deleted before the branch is done.
using System.Collections.Concurrent;
using ScanProxy.Store;

namespace ScanProxy.Tests.Notifications;

internal sealed class TemporaryInMemoryStore : IScanProxyStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, OutboxMessage?> _messages = [];
    private readonly Dictionary<string, DateTimeOffset> _leases = [];

    public StoreHealth Health => throw new NotSupportedException();

    public ValueTask EnqueueNotificationAsync(OutboxMessage message, CancellationToken cancellationToken = default)
    {
        lock (_gate) { _messages.TryAdd(message.Id, message); }
        return ValueTask.CompletedTask;
    }

    public Task<IReadOnlyList<OutboxMessage>> LeaseDueNotificationsAsync(int max, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var now = DateTimeOffset.UtcNow;
        var result = new List<OutboxMessage>();
        lock (_gate)
        {
            foreach (var (id, m) in _messages)
            {
                if (m is null || m.DueAt > now || (_leases.TryGetValue(id, out var until) && until > now)) continue;
                _leases[id] = now + lease;
                result.Add(m);
                if (result.Count == max) break;
            }
        }
        return Task.FromResult<IReadOnlyList<OutboxMessage>>(result);
    }

    public ValueTask CompleteNotificationAsync(string id, CancellationToken cancellationToken = default)
    {
        lock (_gate) { _messages[id] = null; _leases.Remove(id); }
        return ValueTask.CompletedTask;
    }

    public ValueTask RetryNotificationAsync(OutboxMessage message, DateTimeOffset dueAt, string error, CancellationToken cancellationToken = default)
    {
        lock (_gate) { _messages[message.Id] = message with { Attempts = message.Attempts + 1, DueAt = dueAt, LastError = error }; _leases.Remove(message.Id); }
        return ValueTask.CompletedTask;
    }

    public OutboxMessage? Peek(string id) { lock (_gate) { return _messages.GetValueOrDefault(id); } }

    public ValueTask<bool> BlockAsync(BlockRecord block, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public ValueTask<bool> UnblockAsync(string zone, string canonicalUrl, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<BlockRecord>> GetBlocksAsync(string zone, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public IDisposable SubscribeBlocklist(Action<BlocklistChange> handler) => throw new NotSupportedException();
    public ValueTask AddDetectionAsync(DetectionRecord detection, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<DetectionRecord?> GetDetectionAsync(string id, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<DetectionRecord>> GetDetectionsAsync(string? zone, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public ValueTask AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<AuditRecord>> GetAuditAsync(int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<ScanVerdict?> GetVerdictAsync(string sha256, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public ValueTask SetVerdictAsync(string sha256, ScanVerdict verdict, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public ValueTask AllowDigestAsync(string zone, string sha256, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<bool> IsDigestAllowedAsync(string zone, string sha256, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public ValueTask AddPendingScanAsync(PendingScan scan, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<PendingScan>> TakePendingScansAsync(int max, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
