using System.Text.Json;
using ScanProxy.Cli;
using ScanProxy.Testing;

namespace ScanProxy.Tests.Cli;

/// <summary><c>scanproxy hash</c> on real files in a temporary directory.</summary>
public class HashCommandTests
{
    private string _directory = "";
    private Dictionary<string, string[]> _reference = [];

    [SetUp]
    public void CreateDirectory()
    {
        _reference = [];
        _directory = Path.Combine(Path.GetTempPath(), "scanproxy-hash-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_directory, "b"));

        // Reference PNGs (decoder-independent, so the printed hashes must equal Meta's exactly), one in a subfolder.
        var rows = File.ReadAllLines(Path.Combine(TestPaths.PdqReference, "dev-png-fullres.csv")).Skip(1).Take(3).Select(l => l.Split(',')).ToArray();
        string[] targets = ["a1.png", Path.Combine("b", "c.png"), "a2.png"];
        for (var i = 0; i < rows.Length; i++)
        {
            var target = Path.Combine(_directory, targets[i]);
            File.Copy(Path.Combine(TestPaths.PdqReference, rows[i][0]), target);
            _reference[target] = rows[i];
        }

        var jpeg = File.ReadAllBytes(Path.Combine(TestPaths.DevCorpus, "cimg-examples__parrot.jpg"));
        File.WriteAllBytes(Path.Combine(_directory, "broken.jpg"), jpeg[..(jpeg.Length / 2)]);
        File.WriteAllText(Path.Combine(_directory, "notes.txt"), "not an image");
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private static async Task<(int ExitCode, string[] Out, string[] Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = await HashCommand.RunAsync(args, stdout, stderr);
        return (exitCode, Lines(stdout), Lines(stderr));

        static string[] Lines(StringWriter writer) => writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
    }

    [Test]
    public async Task A_directory_prints_one_csv_line_per_image_in_sorted_order_and_names_the_bad_file()
    {
        var (exitCode, output, errors) = await RunAsync(_directory);

        var expectedOrder = _reference.Keys.Order(StringComparer.Ordinal).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(1), "a file failed");
            Assert.That(output.Select(l => l.Split(',')[2]), Is.EqualTo(expectedOrder));
            Assert.That(output.Select(l => l.Split(',')[0]), Is.EqualTo(expectedOrder.Select(p => _reference[p][1])), "pdq_hex equals Meta's");
            Assert.That(output.Select(l => l.Split(',')[1]), Is.EqualTo(expectedOrder.Select(p => _reference[p][2])), "quality equals Meta's");
            Assert.That(errors, Has.Length.EqualTo(1));
            Assert.That(errors[0], Does.StartWith(Path.Combine(_directory, "broken.jpg") + ": truncated"));
            Assert.That(string.Join("\n", output.Concat(errors)), Does.Not.Contain("notes.txt"));
        });
    }

    [Test]
    public async Task With_dihedral_each_line_has_the_8_hashes_in_spec_order_then_quality_and_path()
    {
        var file = _reference.Keys.First();
        var (exitCode, output, errors) = await RunAsync("--dihedral", file);

        var fields = output.Single().Split(',');
        var reference = _reference[file];
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero);
            Assert.That(errors, Is.Empty);
            Assert.That(fields, Has.Length.EqualTo(10));
            Assert.That(fields[..8], Is.EqualTo(new[] { reference[1] }.Concat(reference[3..10])));
            Assert.That(fields[8], Is.EqualTo(reference[2]));
            Assert.That(fields[9], Is.EqualTo(file));
        });
    }

    [Test]
    public async Task Json_prints_one_object_per_line()
    {
        var file = _reference.Keys.First();
        var (exitCode, output, _) = await RunAsync("--json", "--dihedral", file);

        using var json = JsonDocument.Parse(output.Single());
        var root = json.RootElement;
        var reference = _reference[file];
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero);
            Assert.That(root.GetProperty("path").GetString(), Is.EqualTo(file));
            Assert.That(root.GetProperty("pdq_hex").GetString(), Is.EqualTo(reference[1]));
            Assert.That(root.GetProperty("quality").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(reference[2]));
            Assert.That(root.GetProperty("pdq_flipminus1").GetString(), Is.EqualTo(reference[9]));
            Assert.That(root.GetProperty("width").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(reference[10]));
        });
    }

    [Test]
    public async Task Files_named_on_the_command_line_keep_their_order_and_a_missing_one_fails()
    {
        var files = _reference.Keys.Order(StringComparer.Ordinal).Reverse().ToArray();
        var missing = Path.Combine(_directory, "missing.png");
        var (exitCode, output, errors) = await RunAsync([files[0], missing, files[1]]);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(1));
            Assert.That(output.Select(l => l.Split(',')[2]), Is.EqualTo(new[] { files[0], files[1] }));
            Assert.That(errors.Single(), Does.StartWith(missing + ": "));
        });
    }

    [Test]
    public async Task Help_prints_usage_and_succeeds()
    {
        var (exitCode, output, _) = await RunAsync("--help");
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero);
            Assert.That(output[0], Does.StartWith("Usage: scanproxy hash"));
        });
    }

    [TestCase]
    [TestCase("--frobnicate", "x.png")]
    public async Task A_usage_error_exits_with_2(params string[] args)
    {
        var (exitCode, _, errors) = await RunAsync(args);
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(2));
            Assert.That(errors, Has.Some.StartsWith("Usage: scanproxy hash"));
        });
    }
}
