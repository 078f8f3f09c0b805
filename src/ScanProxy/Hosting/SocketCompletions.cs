using Microsoft.Extensions.Configuration;
using ScanProxy.Store;

namespace ScanProxy.Hosting;

/// <summary>
/// Where the runtime runs what follows a socket read or write: on a node whose store is Redis, <c>scanproxy serve</c>
/// runs it on the socket engine's own threads instead of handing each completion to the thread pool.
/// </summary>
/// <remarks>
/// A proxied request is a handful of socket completions, and what follows most of them is short: a buffer copied
/// from the origin's connection into the visitor's. Handing each one to a pool thread cost more than the work: inline,
/// a request needs 12-13 % less CPU on one core (benchmarks/README.md, edge load). Inline is safe only while nothing
/// on those paths blocks a thread: the edge never waits synchronously, and scanning runs on its own workers. The
/// embedded store does block one: Garnet waits for its append-only file to commit on the thread that received the
/// command, which inline is a socket engine thread, so every write stalled the sockets of that thread (p99 of
/// forwarded requests 63 and 421 ms against 15-16 ms, with a block written about 35 times a second). So the embedded
/// store keeps the runtime's default.
/// </remarks>
internal static class SocketCompletions
{
    /// <summary>The runtime's variable; it reads it once, when the process first uses a socket.</summary>
    public const string InlineVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Asks for inline completions when <c>ScanProxy:Store:Redis</c> is set, unless the operator has set
    /// <see cref="InlineVariable"/> (<c>0</c> turns them off, <c>1</c> on whatever the store). Must run before the
    /// process's first socket operation, and after the configuration is read.
    /// </summary>
    public static void PreferInline(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var store = configuration.GetSection(StoreOptions.SectionName).Get<StoreOptions>() ?? new StoreOptions();
        if (!store.IsEmbedded && Environment.GetEnvironmentVariable(InlineVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineVariable, "1");
        }
    }
}
