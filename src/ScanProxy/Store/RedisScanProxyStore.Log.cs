using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ScanProxy.Store;

internal sealed partial class RedisScanProxyStore
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Store: connecting to {Endpoints}.", EventName = "Connecting")]
        public static partial void Connecting(ILogger logger, string endpoints);

        [LoggerMessage(2, LogLevel.Warning, "Store: lost the {ConnectionType} connection to {Endpoint} ({FailureType}).", EventName = "ConnectionLost")]
        public static partial void ConnectionLost(ILogger logger, string? endpoint, ConnectionType connectionType, ConnectionFailureType failureType, Exception? exception);

        [LoggerMessage(3, LogLevel.Information, "Store: the {ConnectionType} connection to {Endpoint} is back.", EventName = "ConnectionRestored")]
        public static partial void ConnectionRestored(ILogger logger, string? endpoint, ConnectionType connectionType);

        [LoggerMessage(4, LogLevel.Warning, "Store: {Endpoints} is unreachable; writes are kept in memory until it returns.", EventName = "WritesQueued")]
        public static partial void WritesQueued(ILogger logger, string endpoints);

        [LoggerMessage(5, LogLevel.Information, "Store: wrote {Count} queued writes to {Endpoints}.", EventName = "BacklogWritten")]
        public static partial void BacklogWritten(ILogger logger, int count, string endpoints);

        [LoggerMessage(6, LogLevel.Error, "Store: the server refused a queued write; it is dropped.", EventName = "QueuedWriteRejected")]
        public static partial void QueuedWriteRejected(ILogger logger, Exception exception);

        [LoggerMessage(7, LogLevel.Error, "Store: shutting down with {Count} writes that never reached the server.", EventName = "BacklogLost")]
        public static partial void BacklogLost(ILogger logger, int count);

        [LoggerMessage(8, LogLevel.Warning, "Store: blocklist subscription waits for the server ({Reason}).", EventName = "SubscribeDeferred")]
        public static partial void SubscribeDeferred(ILogger logger, string reason);

        [LoggerMessage(9, LogLevel.Warning, "Store: ignored a malformed blocklist message.", EventName = "BlocklistMessageInvalid")]
        public static partial void BlocklistMessageInvalid(ILogger logger, Exception exception);

        [LoggerMessage(10, LogLevel.Warning, "Store: ignored a blocklist message of unknown kind '{Kind}'.", EventName = "BlocklistMessageUnknownKind")]
        public static partial void BlocklistMessageUnknownKind(ILogger logger, string kind);

        [LoggerMessage(11, LogLevel.Error, "Store: a blocklist subscriber failed on a {Kind} change.", EventName = "BlocklistHandlerFailed")]
        public static partial void BlocklistHandlerFailed(ILogger logger, BlocklistChangeKind kind, Exception exception);
    }
}
