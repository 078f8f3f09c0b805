using System.Text;
using MimeKit;

namespace ScanProxy.Tests.Notifications;

public sealed class EmailDeliveryTests : NotificationTestBase
{
    [Test]
    public async Task Email_reaches_the_smtp_server_with_the_zone_and_url_in_the_subject_and_the_fields_in_the_body()
    {
        using var smtp = CreateSmtpSink();
        var node = await StartNodeAsync();

        await node.Notifier.NotifyAsync(Detection("d-10"), Recipients(emails: ["abuse@shop.example"]));
        await WaitUntilAsync(() => smtp.Received.Count == 1, "the mail arrived");

        // Parse what the server received, as a mail client would.
        using var raw = new MemoryStream(Encoding.UTF8.GetBytes(smtp.Received.Single().Data));
        using var mail = await MimeMessage.LoadAsync(raw);
        var body = mail.TextBody;
        Assert.Multiple(() =>
        {
            Assert.That(mail.From.Mailboxes.Single().Address, Is.EqualTo("scanproxy@test.example"));
            Assert.That(mail.To.Mailboxes.Single().Address, Is.EqualTo("abuse@shop.example"));
            Assert.That(mail.Subject, Is.EqualTo("ScanProxy detection in zone shop: https://shop.example/images/d-10.jpg"));
            Assert.That(mail.Body, Is.InstanceOf<TextPart>().With.Property(nameof(TextPart.IsPlain)).True, "one plain-text part");
            Assert.That(mail.Attachments, Is.Empty);
            Assert.That(mail.Headers["X-ScanProxy-Delivery"], Does.StartWith("d-10:email:"));
            Assert.That(body, Does.Contain("Detection: d-10"));
            Assert.That(body, Does.Contain("URL: https://shop.example/images/d-10.jpg"));
            Assert.That(body, Does.Contain("SHA-256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"));
            Assert.That(body, Does.Contain("PDQ: f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"));
            Assert.That(body, Does.Contain("List: known-pdq"));
            Assert.That(body, Does.Contain("Entry: entry-17"));
            Assert.That(body, Does.Contain("Distance: 4"));
            Assert.That(body, Does.Contain("Variant: rot90"));
            Assert.That(body, Does.Contain("Action: Block"));
        });
    }

    [Test]
    public async Task Email_waits_while_the_smtp_server_is_down_and_is_delivered_once_when_it_comes_up()
    {
        using var smtp = CreateSmtpSink(start: false);
        var node = await StartNodeAsync();

        await node.Notifier.NotifyAsync(Detection("d-11"), Recipients(emails: ["abuse@shop.example"]));
        await WaitUntilAsync(() => node.Logs.Entries.Count(e => e.EventId == NotificationEvents.DeliveryFailed) >= 2, "two failures were logged");

        smtp.Start();
        await WaitUntilAsync(() => smtp.Received.Count == 1, "the mail arrived");
        await SettleAsync();
        Assert.That(smtp.Received, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Email_without_an_smtp_host_waits_in_the_outbox_with_a_logged_reason()
    {
        var node = await StartNodeAsync();

        await node.Notifier.NotifyAsync(Detection("d-12"), Recipients(emails: ["abuse@shop.example"]));
        await WaitUntilAsync(() => node.Logs.Entries.Any(e => e.EventId == NotificationEvents.DeliveryFailed), "a failure was logged");

        Assert.That(node.Logs.Entries.First(e => e.EventId == NotificationEvents.DeliveryFailed).Exception?.Message, Does.Contain("ScanProxy:Smtp:Host is not set"));
    }
}
