namespace ScanProxy.Zones;

/// <summary>What Hold mode does with an image it cannot judge (scanner error, timeout, queue full).</summary>
internal enum HoldFailure
{
    /// <summary>Release the image: availability over certainty.</summary>
    FailOpen,

    /// <summary>Answer with the block status: certainty over availability.</summary>
    FailClosed,
}
