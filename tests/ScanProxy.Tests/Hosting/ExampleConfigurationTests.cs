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
        yield return new TestCaseData($"{ZoneConfiguration.HashListsSection}:known-pdq", typeof(HashListOptions));
        yield return new TestCaseData(ScannerOptions.SectionName, typeof(ScannerOptions));
        yield return new TestCaseData(BlocklistOptions.SectionName, typeof(BlocklistOptions));
        yield return new TestCaseData(SmtpOptions.SectionName, typeof(SmtpOptions));
        yield return new TestCaseData(NotificationOutboxOptions.SectionName, typeof(NotificationOutboxOptions));
        yield return new TestCaseData(TelemetryOptions.SectionName, typeof(TelemetryOptions));
        yield return new TestCaseData($"{ZoneConfiguration.ZonesSection}:shop", typeof(ZoneOptions));
        yield return new TestCaseData($"{ZoneConfiguration.ZonesSection}:shop:Notify", typeof(NotifyOptions));
        yield return new TestCaseData($"{ZoneConfiguration.ZonesSection}:shop:Notify:Webhooks:0", typeof(WebhookOptions));
    }

    // The cases above are listed by hand: this keeps a section added to the product later from going unchecked.
    [Test]
    public void Every_section_the_product_declares_is_checked_here()
    {
        var checkedSections = Sections().Select(c => (string)c.Arguments[0]!).ToList();

        Assert.That(DeclaredSections(), Is.Not.Empty.And.SubsetOf(checkedSections));
    }

    [Test]
    public void Every_section_the_example_names_is_one_the_product_reads()
    {
        var read = DeclaredSections().Append(ZoneConfiguration.ZonesSection).Append(ZoneConfiguration.HashListsSection).ToList();
        var named = s_example.GetSection("ScanProxy").GetChildren().Select(c => c.Path).ToList();

        Assert.That(named, Is.SubsetOf(read));
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

    // Every options record bound from a fixed section declares it as a constant named SectionName.
    private static IEnumerable<string> DeclaredSections() =>
        typeof(ScannerOptions).Assembly.GetTypes()
            .Select(t => t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static))
            .Where(f => f is { IsLiteral: true })
            .Select(f => (string)f!.GetRawConstantValue()!);
}
