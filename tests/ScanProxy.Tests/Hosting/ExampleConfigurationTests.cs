using System.Reflection;
using Microsoft.Extensions.Configuration;
using ScanProxy.Admin;
using ScanProxy.Edge;
using ScanProxy.Notifications;
using ScanProxy.Scanning;
using ScanProxy.Scanning.HashLists;
using ScanProxy.Store;
using ScanProxy.Telemetry;
using ScanProxy.Testing;
using ScanProxy.Zones;

namespace ScanProxy.Tests.Hosting;

// SPEC §3 and the README call appsettings.example.json the complete, annotated configuration: every setting an options
// record binds is named in it, and every name in it is one a record binds (a misspelt key would be silently ignored).
public sealed class ExampleConfigurationTests
{
    private static readonly IConfiguration s_example = new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(TestPaths.RepositoryRoot, "appsettings.example.json"))
        .Build();

    private static IEnumerable<TestCaseData> Sections()
    {
        yield return new TestCaseData(StoreOptions.SectionName, typeof(StoreOptions));
        yield return new TestCaseData(AdminOptions.SectionName, typeof(AdminOptions));
        yield return new TestCaseData("ScanProxy:HashLists:known-pdq", typeof(HashListOptions));
        yield return new TestCaseData(ScannerOptions.SectionName, typeof(ScannerOptions));
        yield return new TestCaseData(BlocklistOptions.SectionName, typeof(BlocklistOptions));
        yield return new TestCaseData(SmtpOptions.SectionName, typeof(SmtpOptions));
        yield return new TestCaseData(NotificationOutboxOptions.SectionName, typeof(NotificationOutboxOptions));
        yield return new TestCaseData(TelemetryOptions.SectionName, typeof(TelemetryOptions));
        yield return new TestCaseData("ScanProxy:Zones:shop", typeof(ZoneOptions));
        yield return new TestCaseData("ScanProxy:Zones:shop:Notify", typeof(NotifyOptions));
        yield return new TestCaseData("ScanProxy:Zones:shop:Notify:Webhooks:0", typeof(WebhookOptions));
    }

    [TestCaseSource(nameof(Sections))]
    public void The_example_names_every_setting(string section, Type options)
    {
        var missing = options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .Select(p => p.Name)
            .Where(name => !s_example.GetSection($"{section}:{name}").Exists())
            .ToList();

        Assert.That(missing, Is.Empty, $"settings of {section} that appsettings.example.json does not name");
    }

    [TestCaseSource(nameof(Sections))]
    public void Every_name_in_the_example_is_a_setting(string section, Type options)
    {
        var bound = s_example.GetSection(section).Get(options, binder => binder.ErrorOnUnknownConfiguration = true);

        Assert.That(bound, Is.InstanceOf(options));
    }
}
