using Microsoft.Extensions.Configuration;
using ScanProxy.Hosting;
using ScanProxy.Matching;
using ScanProxy.Scanning;
using ScanProxy.Scanning.HashLists;
using Microsoft.Extensions.Options;

namespace ScanProxy.Tests.Scanning;

public sealed class HashListConfigurationTests
{
    private static readonly string[] s_badFields =
    [
        "ScanProxy:HashLists:no-path:Path",
        "ScanProxy:HashLists:no-kind:Kind",
        "ScanProxy:HashLists:bad-kind:Kind",
        "ScanProxy:HashLists:bad name",
    ];

    private static readonly string[] s_scannerFields = ["Workers", "QueueCapacity", "MaxObjectBytes", "MaxPixels", "Timeout", "VerdictCacheCapacity", "KnownObjectTtl"];

    [Test]
    public void Lists_are_read_with_relative_paths_taken_from_the_content_root()
    {
        var definitions = HashListConfiguration.Load(Configuration(
            ("known-pdq:Path", "lists/known.csv"), ("known-pdq:Kind", "Pdq"),
            ("known-sha1:Path", "/srv/lists/sha1.txt"), ("known-sha1:Kind", "sha1")), "/opt/scanproxy");

        Assert.That(definitions, Is.EquivalentTo(new[]
        {
            new HashListDefinition("known-pdq", "/opt/scanproxy/lists/known.csv", HashListKind.Pdq),
            new HashListDefinition("known-sha1", "/srv/lists/sha1.txt", HashListKind.Sha1),
        }));
    }

    [Test]
    public void Every_unusable_definition_is_named_by_its_field()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => HashListConfiguration.Load(Configuration(
            ("no-path:Kind", "Md5"),
            ("no-kind:Path", "a.txt"),
            ("bad-kind:Path", "b.txt"), ("bad-kind:Kind", "Crc32"),
            ("bad name:Path", "c.txt"), ("bad name:Kind", "Pdq")), "/"));

        Assert.That(error!.Errors.Select(e => e.Field), Is.EquivalentTo(s_badFields));
    }

    [Test]
    public void Scanner_limits_that_cannot_work_are_rejected_by_field()
    {
        var result = new ScannerOptionsValidator().Validate(null, new ScannerOptions
        {
            Workers = -1,
            QueueCapacity = 0,
            MaxObjectBytes = 0,
            MaxPixels = 0,
            Timeout = TimeSpan.Zero,
            VerdictCacheCapacity = -1,
            KnownObjectTtl = TimeSpan.FromSeconds(-1),
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.Failed, Is.True);
            Assert.That(result.Failures!.ToList(), Has.Count.EqualTo(s_scannerFields.Length));
            foreach (var field in s_scannerFields)
            {
                Assert.That(result.Failures, Has.One.StartsWith($"ScanProxy:Scanner:{field} "));
            }
        });
    }

    [Test]
    public void The_default_scanner_limits_are_valid() =>
        Assert.That(new ScannerOptionsValidator().Validate(null, new ScannerOptions()), Is.EqualTo(ValidateOptionsResult.Success));

    private static IConfiguration Configuration(params (string Key, string Value)[] settings)
    {
        var data = new Dictionary<string, string?>();
        foreach (var (key, value) in settings)
        {
            data["ScanProxy:HashLists:" + key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(data).Build();
    }
}
