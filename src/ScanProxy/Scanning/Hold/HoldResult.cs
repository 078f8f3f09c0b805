namespace ScanProxy.Scanning.Hold;

/// <summary>What is left to do with a response once the proxy is done with it in Hold mode.</summary>
internal enum HoldResult
{
    /// <summary>Not held: it went to the client as it came.</summary>
    Passed,

    /// <summary>Held, but not an image after all (a body shorter than any signature): send it.</summary>
    Release,

    /// <summary>A held image: judge it now, then send it or answer for it.</summary>
    Judge,

    /// <summary>An image too large to hold, in a zone that fails closed: answer that it is unavailable.</summary>
    Refused,

    /// <summary>The client left or the origin failed: nothing to send but what the proxy already set.</summary>
    Abandoned,
}
