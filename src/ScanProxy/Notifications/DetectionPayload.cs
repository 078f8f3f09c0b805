using System.Text.Json;
using System.Text.Json.Serialization;
using ScanProxy.Store;

namespace ScanProxy.Notifications;

/// <summary>
/// The detection JSON that webhooks receive and the outbox keeps: camelCase names, every field always present
/// (null when unknown), so receivers can rely on the shape.
/// </summary>
internal static class DetectionPayload
{
    public static string Write(DetectionRecord detection) => JsonSerializer.Serialize(detection, DetectionJsonContext.Default.DetectionRecord);

    /// <exception cref="JsonException">The payload is not a detection.</exception>
    public static DetectionRecord Read(OutboxMessage message) =>
        JsonSerializer.Deserialize(message.Payload, DetectionJsonContext.Default.DetectionRecord)
            ?? throw new JsonException($"Outbox message {message.Id} holds no detection.");
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(DetectionRecord))]
internal sealed partial class DetectionJsonContext : JsonSerializerContext;
