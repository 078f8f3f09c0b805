using Microsoft.Extensions.Logging;
using ScanProxy.Notifications;

namespace ScanProxy.Tests.Notifications;

public sealed class DetectionNotifierTests : NotificationTestBase
{
    [Test]
    public async Task Recipients_that_can_never_be_reached_are_logged_and_skipped_while_the_others_are_notified()
    {
        var receiver = await StartWebhookAsync();
        using var smtp = CreateSmtpSink();
        var node = await StartNodeAsync();

        await node.Notifier.NotifyAsync(
            Detection("d-60"),
            Recipients(["not an address", "abuse@shop.example"], ["ftp://hooks.shop.example/x", "/relative", receiver.Url]));
        await WaitUntilAsync(() => receiver.DeliveredCount() == 1 && smtp.Received.Count == 1, "the valid ones were delivered");
        await SettleAsync();

        var errors = node.Logs.Entries.Where(e => e.Level == LogLevel.Error).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(receiver.Requests, Has.Count.EqualTo(1));
            Assert.That(smtp.Received, Has.Count.EqualTo(1));
            Assert.That(errors.Count(e => e.EventId == NotificationEvents.InvalidEmail && e.Message.Contains("'not an address'", StringComparison.Ordinal)), Is.EqualTo(1));
            Assert.That(errors.Count(e => e.EventId == NotificationEvents.InvalidWebhookUrl), Is.EqualTo(2));
        });
    }

    [Test]
    public void Message_id_is_the_same_for_the_same_detection_channel_and_recipient_and_differs_otherwise()
    {
        var id = DetectionNotifier.MessageId("d-1", "webhook", "https://hooks.example/a");
        Assert.Multiple(() =>
        {
            Assert.That(DetectionNotifier.MessageId("d-1", "webhook", "https://hooks.example/a"), Is.EqualTo(id));
            Assert.That(DetectionNotifier.MessageId("d-1", "webhook", "https://hooks.example/b"), Is.Not.EqualTo(id));
            Assert.That(DetectionNotifier.MessageId("d-2", "webhook", "https://hooks.example/a"), Is.Not.EqualTo(id));
            Assert.That(DetectionNotifier.MessageId("d-1", "email", "https://hooks.example/a"), Is.Not.EqualTo(id));
            Assert.That(id, Does.Match("^d-1:webhook:[0-9a-f]{32}$"));
        });
    }
}
