using Microsoft.Extensions.Logging.Abstractions;
using ScanProxy.Pdq;

namespace ScanProxy.Matching.Tests.Catalog;

/// <summary>The catalog against real files in a temp directory and a real FileSystemWatcher.</summary>
public class HashListCatalogTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private static readonly HashListCatalogOptions s_options = new() { ReloadDelay = TimeSpan.FromMilliseconds(100) };
    private TempDirectory _dir = null!;
    private PdqHash _first;
    private PdqHash _second;

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory();
        var random = new Random(42);
        _first = TestHashes.Random(random);
        _second = TestHashes.Random(random);
    }

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public async Task Lists_load_at_start_and_are_found_by_name()
    {
        var pdq = _dir.Write("known-pdq.csv", $"hash,id\n{_first},one\n");
        var md5 = _dir.Write("known-md5.txt", $"{new string('a', 32)},m\n");
        using var catalog = Create(new HashListDefinition("known-pdq", pdq, HashListKind.Pdq), new HashListDefinition("known-md5", md5, HashListKind.Md5));
        Assert.That(catalog.IsReady, Is.False);

        await catalog.LoadAllAsync();

        Assert.That(catalog.IsReady, Is.True);
        Assert.That(catalog.TryGetPdqIndex("known-pdq", out var index), Is.True);
        Assert.That(index!.TryFindBest([_first], 0, out _), Is.True);
        Assert.That(catalog.TryGetExactSet("known-md5", out var set), Is.True);
        Assert.That(set!.Contains(Convert.FromHexString(new string('a', 32)), out _), Is.True);
        Assert.That(catalog.TryGetExactSet("known-pdq", out _), Is.False, "a PDQ list has no exact set");
        Assert.That(catalog.TryGetPdqIndex("unknown", out _), Is.False);

        var status = catalog.GetStatus();
        string[] names = ["known-md5", "known-pdq"];
        Assert.That(status.Select(s => s.Name), Is.EqualTo(names));
        Assert.That(status[1].Entries, Is.EqualTo(1));
        Assert.That(status[1].Version, Is.Not.Null);
        Assert.That(status[1].LastError, Is.Null);
    }

    [Test]
    public async Task A_changed_file_is_reloaded_and_the_new_version_swapped_in()
    {
        var path = _dir.Write("list.csv", $"{_first},one\n");
        using var catalog = Create(new HashListDefinition("list", path, HashListKind.Pdq));
        await catalog.LoadAllAsync();
        var before = catalog.GetStatus()[0];

        File.WriteAllText(path, $"{_second},two\n");

        await WaitUntil(() => catalog.GetStatus()[0].Version != before.Version);
        Assert.That(catalog.TryGetPdqIndex("list", out var index), Is.True);
        Assert.That(index!.TryFindBest([_second], 0, out _), Is.True);
        Assert.That(index.TryFindBest([_first], 0, out _), Is.False);
    }

    [Test]
    public async Task A_file_replaced_by_rename_as_editors_save_is_reloaded()
    {
        var path = _dir.Write("list.csv", $"{_first},one\n");
        using var catalog = Create(new HashListDefinition("list", path, HashListKind.Pdq));
        await catalog.LoadAllAsync();

        var temp = _dir.Write(".list.csv.swp", $"{_second},two\n");
        File.Move(temp, path, overwrite: true);

        await WaitUntil(() => catalog.TryGetPdqIndex("list", out var index) && index.TryFindBest([_second], 0, out _));
        Assert.That(catalog.GetStatus()[0].LastError, Is.Null);
    }

    [Test]
    public async Task A_bad_file_keeps_the_previous_version_and_records_the_error()
    {
        var path = _dir.Write("list.csv", $"{_first},one\n");
        using var catalog = Create(new HashListDefinition("list", path, HashListKind.Pdq));
        await catalog.LoadAllAsync();
        var good = catalog.GetStatus()[0];

        File.WriteAllText(path, $"{_second},two\nnot-a-hash\n");

        await WaitUntil(() => catalog.GetStatus()[0].LastError is not null);
        var status = catalog.GetStatus()[0];
        Assert.That(status.LastError, Does.Contain(":2: "));
        Assert.That(status.Version, Is.EqualTo(good.Version));
        Assert.That(catalog.TryGetPdqIndex("list", out var index), Is.True);
        Assert.That(index!.TryFindBest([_first], 0, out _), Is.True, "the previous version stays in force");

        File.WriteAllText(path, $"{_second},two\n");
        await WaitUntil(() => catalog.GetStatus()[0].LastError is null);
        Assert.That(catalog.TryGetPdqIndex("list", out index) && index.TryFindBest([_second], 0, out _), Is.True);
    }

    [Test]
    public async Task A_deleted_file_keeps_the_previous_version()
    {
        var path = _dir.Write("list.csv", $"{_first},one\n");
        using var catalog = Create(new HashListDefinition("list", path, HashListKind.Pdq));
        await catalog.LoadAllAsync();

        File.Delete(path);

        await WaitUntil(() => catalog.GetStatus()[0].LastError is not null);
        Assert.That(catalog.TryGetPdqIndex("list", out var index) && index.TryFindBest([_first], 0, out _), Is.True);
    }

    [Test]
    public async Task A_list_that_never_loaded_is_not_ready_and_says_why()
    {
        var path = _dir.Write("list.csv", "12345\n");
        using var catalog = Create(new HashListDefinition("list", path, HashListKind.Pdq));

        await catalog.LoadAllAsync();

        Assert.That(catalog.IsReady, Is.False);
        Assert.That(catalog.GetStatus()[0].IsLoaded, Is.False);
        Assert.That(catalog.GetStatus()[0].LastError, Does.Contain(":1: "));
    }

    [Test]
    public async Task Reload_on_demand_reads_the_file_again()
    {
        var path = _dir.Write("list.csv", $"{_first},one\n");
        using var catalog = new HashListCatalog([new("list", path, HashListKind.Pdq)], NullLogger<HashListCatalog>.Instance, s_options with { WatchFiles = false });
        await catalog.LoadAllAsync();
        File.WriteAllText(path, $"{_first},one\n{_second},two\n");

        var status = await catalog.ReloadAsync("list");

        Assert.That(status.Entries, Is.EqualTo(2));
        Assert.That(async () => await catalog.ReloadAsync("other"), Throws.InstanceOf<KeyNotFoundException>());
    }

    [Test]
    public async Task New_definitions_add_drop_and_repoint_lists()
    {
        var a = _dir.Write("a.csv", $"{_first},a\n");
        var b = _dir.Write("b.csv", $"{_second},b\n");
        using var catalog = Create(new HashListDefinition("one", a, HashListKind.Pdq));
        await catalog.LoadAllAsync();

        await catalog.ApplyDefinitionsAsync([new("one", b, HashListKind.Pdq), new("two", a, HashListKind.Pdq)]);

        Assert.That(catalog.TryGetPdqIndex("one", out var one) && one.TryFindBest([_second], 0, out _), Is.True);
        Assert.That(catalog.TryGetPdqIndex("two", out var two) && two.TryFindBest([_first], 0, out _), Is.True);

        await catalog.ApplyDefinitionsAsync([new("two", a, HashListKind.Pdq)]);
        Assert.That(catalog.TryGetPdqIndex("one", out _), Is.False);
        Assert.That(catalog.TryGetPdqIndex("two", out var same), Is.True);
        Assert.That(same, Is.SameAs(two), "an unchanged list is not reloaded");
    }

    private static HashListCatalog Create(params HashListDefinition[] definitions) =>
        new(definitions, NullLogger<HashListCatalog>.Instance, s_options);

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + s_wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"The condition did not hold within {s_wait.TotalSeconds} s.");
            }

            await Task.Delay(25);
        }
    }
}
