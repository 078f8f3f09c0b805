namespace ScanProxy.Zones;

/// <summary>A webhook told of each detection in a zone (SPEC §6).</summary>
internal sealed record WebhookOptions
{
    /// <summary>The absolute http(s) URL the detection JSON is POSTed to.</summary>
    public string Url { get; init; } = "";

    /// <summary>The HMAC-SHA256 key of the <c>X-ScanProxy-Signature</c> header.</summary>
    public string Secret { get; init; } = "";
}
