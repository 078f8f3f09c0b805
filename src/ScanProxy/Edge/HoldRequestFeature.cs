namespace ScanProxy.Edge;

/// <summary>
/// Set on a request by blocking when its response must be held for the scanner's verdict (a Hold-mode zone, or a
/// path blocked under another query), so that the scanner's step acts on blocking's decision rather than
/// formatting the canonical URL and looking it up a second time.
/// </summary>
internal sealed class HoldRequestFeature
{
    /// <summary>The one instance: the feature carries no state, so setting it allocates nothing.</summary>
    public static readonly HoldRequestFeature Instance = new();

    private HoldRequestFeature()
    {
    }
}
