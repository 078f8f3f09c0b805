namespace ScanProxy.Tests.Notifications;

/// <summary>The outbox's promise (SPEC §6): never lost, never sent twice for one detection and recipient.</summary>
public sealed class OutboxDeliveryTests : NotificationTestBase
{
    private static readonly string[] TwoAddresses = ["abuse@shop.example", "oncall@shop.example"];

    [Test]
    public async Task Notifying_the_same_detection_twice_delivers_once_per_recipient()
    {
        var first = await StartWebhookAsync();
        var second = await StartWebhookAsync();
        using var smtp = CreateSmtpSink();
        var node = await StartNodeAsync();
        var recipients = Recipients(TwoAddresses, [first.Url, second.Url]);

        await node.Notifier.NotifyAsync(Detection("d-20"), recipients);
        await node.Notifier.NotifyAsync(Detection("d-20"), recipients);
        await WaitUntilAsync(() => first.DeliveredCount() == 1 && second.DeliveredCount() == 1 && smtp.Received.Count == 2, "all four were delivered");
        await SettleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(first.Requests, Has.Count.EqualTo(1));
            Assert.That(second.Requests, Has.Count.EqualTo(1));
            Assert.That(smtp.Received.Select(m => m.ToAddresses.Single().Address).Order(), Is.EqualTo(TwoAddresses));
        });
    }

    [Test]
    public async Task An_address_listed_twice_in_different_case_gets_one_email()
    {
        using var smtp = CreateSmtpSink();
        var node = await StartNodeAsync();

        await node.Notifier.NotifyAsync(Detection("d-21"), Recipients(["abuse@shop.example", "Abuse@Shop.Example"]));
        await WaitUntilAsync(() => smtp.Received.Count == 1, "the mail arrived");
        await SettleAsync();

        Assert.That(smtp.Received, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Notifications_enqueued_while_no_dispatcher_runs_are_delivered_exactly_once_after_a_restart()
    {
        var receiver = await StartWebhookAsync();
        using var smtp = CreateSmtpSink();
        await using (var stopped = CreateNode())
        {
            for (var i = 0; i < 5; i++)
            {
                await stopped.Notifier.NotifyAsync(Detection($"d-3{i}"), Recipients(["abuse@shop.example"], [receiver.Url]));
            }
        }

        Assert.That(receiver.Requests, Is.Empty, "nothing is sent before a dispatcher runs");
        await StartNodeAsync();
        await WaitUntilAsync(() => receiver.DeliveredCount() == 5 && smtp.Received.Count == 5, "all ten were delivered");
        await SettleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(receiver.Requests.Select(r => r.DeliveryId).Distinct().Count(), Is.EqualTo(5));
            Assert.That(receiver.Requests, Has.Count.EqualTo(5));
            Assert.That(smtp.Received, Has.Count.EqualTo(5));
        });
    }

    [Test]
    public async Task Deliveries_that_failed_before_a_restart_are_delivered_exactly_once_after_it()
    {
        var receiver = await StartWebhookAsync();
        receiver.FailNext(int.MaxValue);
        await using (var before = await StartNodeAsync())
        {
            for (var i = 0; i < 3; i++)
            {
                await before.Notifier.NotifyAsync(Detection($"d-4{i}"), Recipients(webhooks: [receiver.Url]));
            }

            await WaitUntilAsync(() => receiver.Requests.Count >= 6, "each was tried at least twice");
        }

        var failedAttempts = receiver.Requests.Count;
        receiver.FailNext(0);
        await StartNodeAsync();
        await WaitUntilAsync(() => receiver.DeliveredCount() == 3, "all three were delivered");
        await SettleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(receiver.Requests.Skip(failedAttempts).Select(r => r.AnsweredStatus), Has.All.EqualTo(200));
            Assert.That(receiver.Requests.Skip(failedAttempts).Select(r => r.DeliveryId).Distinct().Count(), Is.EqualTo(3));
            Assert.That(receiver.DeliveredCount(), Is.EqualTo(3));
        });
    }

    [Test]
    public async Task Two_nodes_sharing_the_store_deliver_each_message_once()
    {
        var receiver = await StartWebhookAsync();
        var first = await StartNodeAsync();
        await StartNodeAsync();

        for (var i = 0; i < 20; i++)
        {
            await first.Notifier.NotifyAsync(Detection($"d-5{i:D2}"), Recipients(webhooks: [receiver.Url]));
        }

        await WaitUntilAsync(() => receiver.DeliveredCount() == 20, "all twenty were delivered");
        await SettleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(receiver.Requests, Has.Count.EqualTo(20));
            Assert.That(receiver.Requests.Select(r => r.DeliveryId).Distinct().Count(), Is.EqualTo(20));
        });
    }

    [Test]
    public async Task A_delivered_message_is_removed_so_it_is_not_sent_again_when_its_lease_ends()
    {
        var receiver = await StartWebhookAsync();
        using var smtp = CreateSmtpSink();
        var recipients = Recipients(["abuse@shop.example"], [receiver.Url]);

        // A first delivery with the generous timeout warms up the HTTP and SMTP clients, so the short timeout below
        // measures a loopback send and not a cold start.
        await using (var warmUp = await StartNodeAsync())
        {
            await warmUp.Notifier.NotifyAsync(Detection("d-60"), recipients);
            await WaitUntilAsync(() => receiver.DeliveredCount() == 1 && smtp.Received.Count == 1, "the warm-up was delivered");
        }

        // A short lease: were a message left in the outbox after its delivery, it would come due again within the test.
        Configuration["ScanProxy:Notifications:SendTimeout"] = "00:00:01";
        Configuration["ScanProxy:Notifications:Lease"] = "00:00:01.500";
        var node = await StartNodeAsync();
        await node.Notifier.NotifyAsync(Detection("d-61"), recipients);
        await WaitUntilAsync(() => receiver.DeliveredCount() == 2 && smtp.Received.Count == 2, "both were delivered");
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        Assert.Multiple(() =>
        {
            Assert.That(receiver.Requests, Has.Count.EqualTo(2));
            Assert.That(smtp.Received, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task A_node_with_invalid_outbox_settings_refuses_to_start_naming_the_field()
    {
        Configuration["ScanProxy:Notifications:BatchSize"] = "0";
        var node = CreateNode();

        var error = Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(node.StartAsync)!;
        Assert.That(error.Message, Does.Contain("ScanProxy:Notifications:BatchSize must be between 1 and 1000, not 0."));
    }
}
