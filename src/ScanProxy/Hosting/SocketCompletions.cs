namespace ScanProxy.Hosting;

/// <summary>
/// Where the runtime runs what follows a socket read or write: by default <c>scanproxy serve</c> runs it on the socket
/// engine's own threads instead of handing each completion to the thread pool.
/// </summary>
/// <remarks>
/// A proxied request is a handful of socket completions, and what follows most of them is short: a buffer copied
/// from the origin's connection into the visitor's. Handing each one to a pool thread cost more than the work: inline,
/// a request needs 12-13 % less CPU on one core (benchmarks/README.md, edge load). Inline is safe only while nothing
/// on those paths blocks a thread: the edge never waits synchronously, and scanning runs on its own workers. The
/// runtime then starts one engine thread per core, so one busy connection does not hold up the others.
/// </remarks>
internal static class SocketCompletions
{
    /// <summary>The runtime's variable; it reads it once, when the process first uses a socket.</summary>
    public const string InlineVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Asks for inline completions unless the operator has set <see cref="InlineVariable"/> (<c>0</c> turns them off).
    /// Must run before the process opens its first socket.
    /// </summary>
    public static void PreferInline()
    {
        if (Environment.GetEnvironmentVariable(InlineVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineVariable, "1");
        }
    }
}
