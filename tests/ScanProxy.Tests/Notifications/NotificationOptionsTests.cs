using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScanProxy.Notifications;

namespace ScanProxy.Tests.Notifications;

public sealed class NotificationOptionsTests
{
    private static readonly string[] BadPortAndSender =
    [
        "ScanProxy:Smtp:Port must be between 1 and 65535, not 70000.",
        "ScanProxy:Smtp:From must be an e-mail address, not 'not an address'.",
    ];

    [Test]
    public void Smtp_section_binds_every_field_and_the_security_mode_in_any_case()
    {
        using var services = Bind(new()
        {
            ["ScanProxy:Smtp:Host"] = "mail.example",
            ["ScanProxy:Smtp:Port"] = "587",
            ["ScanProxy:Smtp:From"] = "scanproxy@example.org",
            ["ScanProxy:Smtp:UserName"] = "relay",
            ["ScanProxy:Smtp:Password"] = "pa55",
            ["ScanProxy:Smtp:Security"] = "starttls",
        });

        var options = services.GetRequiredService<IOptions<SmtpOptions>>().Value;

        Assert.That(options, Is.EqualTo(new SmtpOptions
        {
            Host = "mail.example",
            Port = 587,
            From = "scanproxy@example.org",
            UserName = "relay",
            Password = "pa55",
            Security = SmtpSecurity.StartTls,
        }));
    }

    [Test]
    public void Smtp_options_never_print_the_password()
    {
        var text = new SmtpOptions { Host = "mail.example", UserName = "relay", Password = "pa55-word" }.ToString();

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Not.Contain("pa55-word"));
            Assert.That(text, Does.Contain("Password = ***"));
            Assert.That(text, Does.Contain("Host = mail.example"));
        });
    }

    [Test]
    public void Smtp_with_a_host_but_a_bad_sender_and_port_is_rejected_naming_the_fields()
    {
        using var services = Bind(new()
        {
            ["ScanProxy:Smtp:Host"] = "mail.example",
            ["ScanProxy:Smtp:Port"] = "70000",
            ["ScanProxy:Smtp:From"] = "not an address",
        });

        var error = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<SmtpOptions>>().Value)!;
        Assert.That(error.Failures, Is.EquivalentTo(BadPortAndSender));
    }

    [Test]
    public void No_smtp_section_is_valid_so_a_proxy_without_e_mail_starts()
    {
        using var services = Bind([]);

        var options = services.GetRequiredService<IOptions<SmtpOptions>>().Value;

        Assert.That(options.Host, Is.Empty);
    }

    [Test]
    public void A_lease_not_longer_than_the_send_timeout_is_rejected_naming_both_fields()
    {
        using var services = Bind(new()
        {
            ["ScanProxy:Notifications:SendTimeout"] = "00:00:30",
            ["ScanProxy:Notifications:Lease"] = "00:00:30",
        });

        var error = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<NotificationOutboxOptions>>().Value)!;
        Assert.That(error.Message, Does.Contain("ScanProxy:Notifications:Lease (00:00:30) must be longer than ScanProxy:Notifications:SendTimeout (00:00:30)."));
    }

    [Test]
    public void Outbox_options_default_to_the_documented_schedule()
    {
        using var services = Bind([]);

        var options = services.GetRequiredService<IOptions<NotificationOutboxOptions>>().Value;

        Assert.Multiple(() =>
        {
            Assert.That(options.PollInterval, Is.EqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(options.SendTimeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(options.RetryDelay, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(options.MaxRetryDelay, Is.EqualTo(TimeSpan.FromMinutes(15)));
            Assert.That(options.Lease, Is.GreaterThan(options.SendTimeout));
        });
    }

    private static ServiceProvider Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddScanProxyNotifications(configuration).BuildServiceProvider();
    }
}
