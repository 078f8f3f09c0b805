namespace ScanProxy.Scanning;

/// <summary>The scanner as the edge sees it.</summary>
internal interface IScanService
{
    /// <summary>
    /// Async mode: hands the object to the scan queue and returns at once. Takes ownership of
    /// <paramref name="request"/>. Never drops an object: when the queue is full it is remembered for later.
    /// </summary>
    ScanAdmission Submit(ScanRequest request);

    /// <summary>
    /// Hold mode: judges the object now (through the same workers, ahead of nothing else) and returns the verdict,
    /// within <c>Scanner:Timeout</c>. Takes ownership of <paramref name="request"/>.
    /// </summary>
    Task<ScanOutcome> ScanNowAsync(ScanRequest request, CancellationToken cancellationToken);
}
