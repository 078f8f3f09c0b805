using System.Text.Json;
using ScanProxy.Notifications;

namespace ScanProxy.Tests.Notifications;

public sealed class DetectionJsonTests
{
    private static readonly string[] FieldNames =
        ["id", "zone", "url", "firstServedAt", "detectedAt", "sha256", "pdq", "quality", "list", "entryId", "distance", "variant", "action"];

    [Test]
    public void Detection_json_has_every_field_in_camel_case_even_when_null()
    {
        var detection = NotificationTestBase.Detection("d-70") with { Pdq = null, Quality = null, Variant = null };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(detection, NotificationJsonContext.Default.DetectionRecord));

        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(FieldNames));
            Assert.That(json.RootElement.GetProperty("pdq").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(json.RootElement.GetProperty("detectedAt").GetString(), Is.EqualTo("2025-05-01T12:00:00.12+00:00"));
        });
    }
}
