using System.Text.Json;

namespace ScanProxy.Tests.Notifications;

public sealed class WebhookDeliveryTests : NotificationTestBase
{
    private static readonly int[] FailTwiceThenSucceed = [500, 500, 200];

    [Test]
    public async Task Webhook_receives_the_detection_json_with_a_signature_that_verifies_with_the_secret()
    {
        var receiver = await StartWebhookAsync();
        var node = await StartNodeAsync();

        await node.Notifier.NotifyAsync(Detection("d-1"), Recipients(webhooks: [receiver.Url]));
        await WaitUntilAsync(() => receiver.Requests.Count == 1, "the webhook was called");

        var request = receiver.Requests.Single();
        using var json = JsonDocument.Parse(request.Body);
        Assert.Multiple(() =>
        {
            Assert.That(request.SignatureValid, Is.True);
            Assert.That(request.AnsweredStatus, Is.EqualTo(200));
            Assert.That(request.ContentType, Is.EqualTo("application/json"));
            Assert.That(request.DeliveryId, Does.StartWith("d-1:webhook:"));
            Assert.That(json.RootElement.GetProperty("id").GetString(), Is.EqualTo("d-1"));
            Assert.That(json.RootElement.GetProperty("zone").GetString(), Is.EqualTo(Zone));
            Assert.That(json.RootElement.GetProperty("url").GetString(), Is.EqualTo("https://shop.example/images/d-1.jpg"));
            Assert.That(json.RootElement.GetProperty("entryId").GetString(), Is.EqualTo("entry-17"));
        });
    }

    [Test]
    public async Task Signature_made_with_another_secret_fails_verification_and_the_message_is_retried()
    {
        // The receiver holds a different secret than ScanProxy signs with: it must reject every attempt, and ScanProxy
        // must treat the 401 as a failure and keep the message.
        var receiver = await StartWebhookAsync(receiverSecret: "not-the-configured-secret");
        var node = await StartNodeAsync();

        await node.Notifier.NotifyAsync(Detection("d-2"), Recipients(webhooks: [receiver.Url]));
        await WaitUntilAsync(() => receiver.Requests.Count >= 3, "the webhook was tried three times");

        Assert.Multiple(() =>
        {
            Assert.That(receiver.Requests.Select(r => r.SignatureValid), Has.All.False);
            Assert.That(receiver.Requests.Select(r => r.AnsweredStatus), Has.All.EqualTo(401));
            Assert.That(receiver.Requests.Select(r => r.DeliveryId).Distinct().Count(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Webhook_answering_500_twice_then_200_is_delivered_once_on_the_third_attempt()
    {
        var receiver = await StartWebhookAsync();
        receiver.FailNext(2);
        var node = await StartNodeAsync();

        await node.Notifier.NotifyAsync(Detection("d-3"), Recipients(webhooks: [receiver.Url]));
        await WaitUntilAsync(() => node.Logs.Entries.Any(e => e.EventId == NotificationEvents.Delivered), "the delivery was logged");
        await SettleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(receiver.Requests.Select(r => r.AnsweredStatus), Is.EqualTo(FailTwiceThenSucceed));
            Assert.That(receiver.Requests.Select(r => r.SignatureValid), Has.All.True);
            Assert.That(receiver.Requests.Select(r => r.DeliveryId).Distinct().Count(), Is.EqualTo(1));
            Assert.That(node.Logs.Entries.Count(e => e.EventId == NotificationEvents.DeliveryFailed), Is.EqualTo(2), "each failure is logged");
            Assert.That(node.Logs.Entries.Count(e => e.EventId == NotificationEvents.Delivered), Is.EqualTo(1), "the delivery is logged");
        });
    }

    [Test]
    public async Task Redirect_is_not_followed_and_counts_as_a_failure()
    {
        var receiver = await StartWebhookAsync(configure: false);
        ConfigureWebhook(receiver.RedirectingUrl);
        var node = await StartNodeAsync();

        await node.Notifier.NotifyAsync(Detection("d-4"), Recipients(webhooks: [receiver.RedirectingUrl]));
        await WaitUntilAsync(() => node.Logs.Entries.Count(e => e.EventId == NotificationEvents.DeliveryFailed) >= 2, "two failures were logged");

        Assert.Multiple(() =>
        {
            Assert.That(receiver.Requests, Is.Empty, "the redirect target was never called");
            Assert.That(node.Logs.Entries.First(e => e.EventId == NotificationEvents.DeliveryFailed).Exception?.Message, Does.Contain("302"));
        });
    }

    [Test]
    public async Task Webhook_without_a_configured_secret_waits_in_the_outbox_until_one_is_configured()
    {
        var receiver = await StartWebhookAsync(configure: false);
        var node = await StartNodeAsync();

        await node.Notifier.NotifyAsync(Detection("d-5"), Recipients(webhooks: [receiver.Url]));
        await WaitUntilAsync(() => node.Logs.Entries.Count(e => e.EventId == NotificationEvents.DeliveryFailed) >= 2, "two failures were logged");
        Assert.That(receiver.Requests, Is.Empty, "nothing unsigned is sent");

        ConfigureWebhook(receiver.Url);
        await WaitUntilAsync(() => receiver.DeliveredCount() == 1, "the webhook was delivered");
        Assert.That(receiver.Requests.Single().SignatureValid, Is.True);
    }

    [Test]
    public async Task Logs_name_the_webhook_by_scheme_host_and_port_only()
    {
        var receiver = await StartWebhookAsync();
        receiver.FailNext(1);
        var node = await StartNodeAsync();
        var urlWithToken = receiver.Url + "?token=hidden-token";
        ConfigureWebhook(urlWithToken);

        await node.Notifier.NotifyAsync(Detection("d-6"), Recipients(webhooks: [urlWithToken]));
        await WaitUntilAsync(() => node.Logs.Entries.Any(e => e.EventId == NotificationEvents.Delivered), "the delivery was logged");

        Assert.Multiple(() =>
        {
            Assert.That(node.Logs.Entries.Select(e => e.Message), Has.None.Contains("hidden-token"));
            Assert.That(node.Logs.Entries.Select(e => e.Message), Has.None.Contains(Secret));
            Assert.That(node.Logs.Entries.Single(e => e.EventId == NotificationEvents.Delivered).Message, Does.Contain(new Uri(receiver.Url).Authority));
        });
    }
}
