namespace ScanProxy.Scanning;

/// <summary>What happened to an object handed to the scanner in Async mode.</summary>
internal enum ScanAdmission
{
    /// <summary>Queued for a worker.</summary>
    Queued,

    /// <summary>The queue was full: the object was remembered in the store and is fetched and scanned later.</summary>
    Deferred,
}
