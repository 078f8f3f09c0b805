using ScanProxy.Cli;
using ScanProxy.Pdq;
using ScanProxy.Pdq.Decoding;
using ScanProxy.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ScanProxy.Tests.Cli;

public class MatchCommandTests
{
    private const string Listed = "cimg-examples__parrot.jpg";
    private const string LowQuality = "gcompris-qt-data__explore_monuments__redPyramid.jpg";
    private string _dir = null!;
    private string _listed = null!;
    private string _list = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("scanproxy-match-cli-").FullName;
        _listed = Path.Combine(TestPaths.DevCorpus, Listed);
        var hash = PdqHasher.HashImage(File.ReadAllBytes(_listed), ImageDecodeOptions.Default, dihedral: false).Hash;
        _list = Write("list.csv", $"hash,id\n{hash},case-7\n");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task A_listed_photo_matches_at_distance_0_and_another_is_clean()
    {
        var other = Path.Combine(TestPaths.DevCorpus, "gcompris-qt-data__categorization__IndiaGate.jpg");

        var (code, stdout, stderr) = await Run("--list", _list, _listed, other);

        Assert.That(code, Is.Zero, stderr);
        Assert.That(Lines(stdout), Is.EqualTo(new[] { $"{_listed},match,0,case-7", $"{other},clean,," }));
    }

    [Test]
    public async Task A_mirrored_copy_matches_through_a_dihedral_variant()
    {
        using (var image = Image.Load<Rgb24>(_listed))
        {
            image.Mutate(x => x.Flip(FlipMode.Horizontal));
            await image.SaveAsPngAsync(Path.Combine(_dir, "mirrored.png"));
        }

        var (code, stdout, _) = await Run("--list", _list, Path.Combine(_dir, "mirrored.png"));

        Assert.That(code, Is.Zero);
        var fields = stdout.Trim().Split(',');
        Assert.That(fields[1], Is.EqualTo("match"));
        Assert.That(int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture), Is.LessThanOrEqualTo(31));
        Assert.That(fields[3], Is.EqualTo("case-7"));
    }

    [Test]
    public async Task A_photo_below_the_minimum_quality_is_low_quality_and_not_matched()
    {
        var flat = Path.Combine(TestPaths.DevCorpus, LowQuality);

        var (code, stdout, _) = await Run("--list", _list, "--min-quality", "50", flat);

        Assert.That(code, Is.Zero);
        Assert.That(stdout.Trim(), Is.EqualTo($"{flat},low-quality,,"));
    }

    [Test]
    public async Task Max_distance_0_still_matches_the_identical_photo()
    {
        var (_, stdout, _) = await Run("--list", _list, "--max-distance", "0", _listed);

        Assert.That(stdout.Trim(), Is.EqualTo($"{_listed},match,0,case-7"));
    }

    [Test]
    public async Task An_undecodable_file_is_reported_on_stderr_the_others_go_on_and_the_exit_code_is_1()
    {
        var broken = Write("broken.jpg", "not an image");

        var (code, stdout, stderr) = await Run("--list", _list, broken, _listed);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.StartWith($"{broken}: "));
        Assert.That(stdout.Trim(), Is.EqualTo($"{_listed},match,0,case-7"));
    }

    [Test]
    public async Task A_list_with_a_bad_line_is_rejected_naming_file_and_line()
    {
        var bad = Write("bad.csv", "hash,id\nabc,1\n");

        var (code, stdout, stderr) = await Run("--list", bad, _listed);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.Contain($"{bad}:2: 'abc' has 3 hex digits; a PDQ hash has 64"));
    }

    [TestCase]
    [TestCase("--list")]
    [TestCase("--list", "x.csv")]
    [TestCase("--list", "x.csv", "--max-distance", "300", "a.jpg")]
    [TestCase("--list", "x.csv", "--min-quality", "-1", "a.jpg")]
    [TestCase("--list", "x.csv", "--bogus", "a.jpg")]
    public async Task Usage_errors_exit_2_with_the_usage(params string[] args)
    {
        var (code, _, stderr) = await Run(args);

        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("Usage: scanproxy match"));
    }

    [Test]
    public async Task Help_prints_the_usage()
    {
        var (code, stdout, _) = await Run("--help");

        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.Contain("path,verdict,distance,entry_id"));
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static async Task<(int Code, string Stdout, string Stderr)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await MatchCommand.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
