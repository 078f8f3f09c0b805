namespace ScanProxy.Store;

/// <summary>Where the shared state lives (SPEC §8), bound from <c>ScanProxy:Store</c>.</summary>
internal sealed record StoreOptions
{
    /// <summary>The configuration section this record is bound from.</summary>
    public const string SectionName = "ScanProxy:Store";

    /// <summary>StackExchange.Redis configuration string; empty runs the embedded store in-process.</summary>
    public string Redis { get; init; } = "";

    /// <summary>Every key and channel starts with this, so several deployments can share one Redis. No braces.</summary>
    public string KeyPrefix { get; init; } = "scanproxy:";

    /// <summary>Where the embedded store keeps its files (in its <c>store</c> folder), relative to the working directory; used only when <see cref="Redis"/> is empty.</summary>
    public string DataDirectory { get; init; } = "data";

    /// <summary>True when <see cref="Redis"/> is empty: the store runs in this process.</summary>
    public bool IsEmbedded => string.IsNullOrWhiteSpace(Redis);
}
