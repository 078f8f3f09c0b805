using Microsoft.Extensions.Logging;

namespace ScanProxy.Tests.Notifications;

/// <summary>One entry kept by <see cref="RecordingLoggerProvider"/>.</summary>
internal sealed record LogEntry(LogLevel Level, int EventId, string Message, Exception? Exception);
