using System.Text.Json;
using System.Text.Json.Serialization;
using ScanProxy.Store;

namespace ScanProxy.Notifications;

/// <summary>
/// The detection JSON that webhooks receive and the outbox keeps: camelCase names, every field always present
/// (null when unknown), so receivers can rely on the shape.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(DetectionRecord))]
internal sealed partial class NotificationJsonContext : JsonSerializerContext;
