namespace ScanProxy.Zones;

/// <summary>Who is told of each detection in a zone (SPEC §6).</summary>
internal sealed record NotifyOptions
{
    /// <summary>E-mail addresses, each sent one message per detection.</summary>
    public IReadOnlyList<string> Emails { get; init; } = [];

    /// <summary>Webhooks, each POSTed the detection JSON.</summary>
    public IReadOnlyList<WebhookOptions> Webhooks { get; init; } = [];

    // Value equality over the lists too, so that a reload can tell whether a zone changed.
    public bool Equals(NotifyOptions? other) =>
        other is not null
        && Emails.SequenceEqual(other.Emails, StringComparer.Ordinal)
        && Webhooks.SequenceEqual(other.Webhooks);

    public override int GetHashCode() => HashCode.Combine(Emails.Count, Webhooks.Count);
}
