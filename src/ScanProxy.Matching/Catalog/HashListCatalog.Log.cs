using Microsoft.Extensions.Logging;

namespace ScanProxy.Matching;

public sealed partial class HashListCatalog
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Hash list '{Name}' loaded from {Path}: {Entries} entries, version {Version}, in {ElapsedMilliseconds} ms.")]
        public static partial void Loaded(ILogger logger, string name, string path, int entries, string version, long elapsedMilliseconds);

        [LoggerMessage(2, LogLevel.Debug, "Hash list '{Name}' reloaded from {Path}: unchanged (version {Version}).")]
        public static partial void Unchanged(ILogger logger, string name, string path, string version);

        [LoggerMessage(3, LogLevel.Error, "Hash list '{Name}' could not be loaded from {Path}; the previous version ({Version}) stays in force: {Error}")]
        public static partial void LoadFailed(ILogger logger, string name, string path, string version, string error);

        [LoggerMessage(4, LogLevel.Debug, "Hash list file {Path} changed; reloading after {DelayMilliseconds} ms of quiet.")]
        public static partial void ChangeSeen(ILogger logger, string path, double delayMilliseconds);

        [LoggerMessage(5, LogLevel.Warning, "Watching {Directory} for hash-list changes failed; reloading its lists.")]
        public static partial void WatcherFailed(ILogger logger, string directory, Exception exception);

        [LoggerMessage(6, LogLevel.Warning, "Hash-list directory {Directory} cannot be watched; its lists reload only on demand.")]
        public static partial void CannotWatch(ILogger logger, string directory, Exception exception);
    }
}
