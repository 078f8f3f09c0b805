using System.Diagnostics.CodeAnalysis;
using ScanProxy.Pdq;

namespace ScanProxy.Scanning;

/// <summary>
/// What this node learned about one object (by SHA-256) the first time it judged it: its eight PDQ hashes and
/// quality, or why it cannot be decoded, or only that the store's shared verdict called it clean in one scope.
/// Matching the hashes against a zone's current lists again takes microseconds, so a digest already judged is never
/// decoded again, yet each zone, and each new version of a list, still gets its own answer.
/// </summary>
internal sealed class ScannedObject
{
    private readonly PdqDihedralHashes _hashes;
    private readonly Lock _gate = new();
    private Detection[] _detections = [];
    private volatile WrittenVerdict? _written;

    private ScannedObject(in PdqDihedralHashes hashes, int quality, bool isHashed, string? failureReason, string? cleanScope)
    {
        _hashes = hashes;
        Quality = quality;
        IsHashed = isHashed;
        FailureReason = failureReason;
        CleanScope = cleanScope;
    }

    /// <summary>Whether the object was decoded and hashed here: <see cref="Hashes"/> and <see cref="Quality"/> hold.</summary>
    public bool IsHashed { get; }

    /// <summary>The eight dihedral PDQ hashes (SPEC §5 order), when <see cref="IsHashed"/>.</summary>
    public ref readonly PdqDihedralHashes Hashes => ref _hashes;

    /// <summary>The PDQ quality, when <see cref="IsHashed"/>.</summary>
    public int Quality { get; }

    /// <summary>Why the bytes cannot be decoded (a <see cref="ScanReasons"/> value), or null.</summary>
    public string? FailureReason { get; }

    /// <summary>
    /// When not hashed here: the scope (see <see cref="ZoneLists.Scope"/>) in which another node found it clean.
    /// The verdict holds for that scope only; any other needs the object decoded.
    /// </summary>
    public string? CleanScope { get; }

    /// <summary>Whether a detection was made from this object on this node.</summary>
    public bool HasMatched => Volatile.Read(ref _detections).Length > 0;

    /// <summary>An object decoded and hashed.</summary>
    public static ScannedObject Hashed(in PdqResult result) => new(result.Dihedral, result.Quality, isHashed: true, null, null);

    /// <summary>An object that cannot be decoded.</summary>
    public static ScannedObject Undecodable(string reason) => new(default, 0, isHashed: false, reason, null);

    /// <summary>An object known only from a clean verdict in the store.</summary>
    public static ScannedObject CleanIn(string scope) => new(default, 0, isHashed: false, null, scope);

    /// <summary>
    /// Claims the detection of this object at this URL of this zone for <paramref name="id"/>, so that the object served
    /// again (before the block reaches the edge, or in a zone that only logs) makes no second detection.
    /// </summary>
    /// <returns>True when claimed; false, with the id of the detection made before, when there is one.</returns>
    public bool TryClaimDetection(string zone, string url, string id, [NotNullWhen(false)] out string? existing)
    {
        lock (_gate)
        {
            foreach (var detection in _detections)
            {
                if (detection.Zone == zone && detection.Url == url)
                {
                    existing = detection.Id;
                    return false;
                }
            }

            _detections = [.. _detections, new Detection(zone, url, id)];
            existing = null;
            return true;
        }
    }

    /// <summary>Whether this node already wrote this verdict for the object to the store.</summary>
    public bool IsVerdictWritten(string scope, string result) =>
        _written is { } written && written.Scope == scope && written.Result == result;

    /// <summary>Remembers the verdict written to the store, so that serving the object again writes nothing.</summary>
    public void VerdictWritten(string scope, string result) => _written = new WrittenVerdict(scope, result);

    private sealed record Detection(string Zone, string Url, string Id);

    private sealed record WrittenVerdict(string Scope, string Result);
}
