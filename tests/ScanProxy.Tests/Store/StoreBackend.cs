namespace ScanProxy.Tests.Store;

/// <summary>The servers the store's tests run against.</summary>
public enum StoreBackend
{
    /// <summary>A real redis-server process.</summary>
    Redis,

    /// <summary>Garnet embedded in the test process, as the embedded store runs it.</summary>
    EmbeddedGarnet,
}
