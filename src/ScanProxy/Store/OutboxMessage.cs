namespace ScanProxy.Store;

/// <summary>A notification waiting to be delivered (SPEC §6).</summary>
/// <param name="Id">Unique per detection and recipient, so a message is never sent twice.</param>
/// <param name="Channel">"email" or "webhook".</param>
/// <param name="Recipient">The address or URL.</param>
/// <param name="DetectionId">The detection it reports.</param>
/// <param name="Payload">The body to send (detection JSON).</param>
/// <param name="Attempts">Delivery attempts so far.</param>
/// <param name="DueAt">When it may next be tried.</param>
/// <param name="LastError">The last delivery error, or null.</param>
internal sealed record OutboxMessage(string Id, string Channel, string Recipient, string DetectionId, string Payload, int Attempts, DateTimeOffset DueAt, string? LastError = null);
