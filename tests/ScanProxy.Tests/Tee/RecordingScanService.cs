using System.Collections.Concurrent;
using ScanProxy.Scanning;

namespace ScanProxy.Tests.Tee;

/// <summary>
/// Stands in for the scanner while the tee is tested on its own: records what it is handed (copying the body out,
/// as it owns and returns it) and answers Hold-mode scans as the test says.
/// </summary>
internal sealed class RecordingScanService : IScanService
{
    private readonly ConcurrentQueue<RecordedScan> _submitted = new();
    private readonly ConcurrentQueue<RecordedScan> _judged = new();

    /// <summary>How <see cref="ScanNowAsync"/> answers; clean by default.</summary>
    public Func<RecordedScan, CancellationToken, Task<ScanOutcome>> Judge { get; set; } = Clean;

    public IReadOnlyList<RecordedScan> Submitted => [.. _submitted];

    public IReadOnlyList<RecordedScan> Judged => [.. _judged];

    public static Task<ScanOutcome> Clean(RecordedScan scan, CancellationToken cancellationToken) =>
        Task.FromResult(new ScanOutcome(ScanResult.Clean, "pdq", Blocked: false));

    public static Task<ScanOutcome> Match(RecordedScan scan, CancellationToken cancellationToken) =>
        Task.FromResult(new ScanOutcome(ScanResult.Match, "pdq", Blocked: true, "detection-1"));

    public void Reset()
    {
        _submitted.Clear();
        _judged.Clear();
        Judge = Clean;
    }

    public ScanAdmission Submit(ScanRequest request)
    {
        using (request)
        {
            _submitted.Enqueue(RecordedScan.Of(request));
        }

        return ScanAdmission.Queued;
    }

    public Task<ScanOutcome> ScanNowAsync(ScanRequest request, CancellationToken cancellationToken)
    {
        RecordedScan scan;
        using (request)
        {
            scan = RecordedScan.Of(request);
        }

        _judged.Enqueue(scan);
        return Judge(scan, cancellationToken);
    }
}
