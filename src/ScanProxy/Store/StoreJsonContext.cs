using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScanProxy.Store;

/// <summary>Source-generated JSON for everything the store keeps as a value.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BlockRecord))]
[JsonSerializable(typeof(DetectionRecord))]
[JsonSerializable(typeof(AuditRecord))]
[JsonSerializable(typeof(ScanVerdict))]
[JsonSerializable(typeof(OutboxMessage))]
[JsonSerializable(typeof(PendingScan))]
[JsonSerializable(typeof(BlocklistMessage))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
