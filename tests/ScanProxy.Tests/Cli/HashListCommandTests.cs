using ScanProxy.Cli;

namespace ScanProxy.Tests.Cli;

public class HashListCommandTests
{
    private const string Hash = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("scanproxy-hashlist-cli-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Check_of_a_valid_file_prints_entries_and_duplicates_and_exits_0()
    {
        var file = Write("list.csv", $"hash,id\n{Hash},a\n{Hash},b\n# end\n");

        var (code, stdout, stderr) = await Run("check", file);

        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.Contain($"{file}: 1 entries (pdq), 2 entry lines, 1 duplicates folded, 0 bad lines"));
        Assert.That(stderr, Is.Empty);
    }

    [Test]
    public async Task Check_prints_every_bad_line_with_its_number_and_exits_1()
    {
        var lines = new List<string> { Hash };
        for (var i = 0; i < 150; i++)
        {
            lines.Add("xyz");
        }

        var file = Write("list.csv", string.Join('\n', lines));

        var (code, stdout, _) = await Run("check", file);

        Assert.That(code, Is.EqualTo(1));
        var reported = stdout.Split('\n').Count(l => l.StartsWith($"{file}:", StringComparison.Ordinal) && l.Contains("is not a hex digit", StringComparison.Ordinal));
        Assert.That(reported, Is.EqualTo(150), "every bad line, not only the first hundred");
        Assert.That(stdout, Does.Contain($"{file}:151: 'x' at column 1 of 'xyz' is not a hex digit"));
        Assert.That(stdout, Does.Contain("150 bad lines"));
    }

    [Test]
    public async Task Check_with_a_kind_reports_entries_of_another_length()
    {
        var file = Write("list.txt", $"{new string('0', 32)}\n{Hash}\n");

        var (code, stdout, _) = await Run("check", "--kind", "md5", file);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(stdout, Does.Contain($"{file}:2: '{Hash}' has 64 hex digits; a MD5 digest has 32"));
    }

    [Test]
    public async Task Check_of_a_missing_file_names_it_and_exits_1()
    {
        var file = Path.Combine(_dir, "absent.csv");

        var (code, _, stderr) = await Run("check", file);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain(file));
    }

    [TestCase]
    [TestCase("verify", "x")]
    [TestCase("check")]
    [TestCase("check", "--kind", "crc32", "x")]
    [TestCase("check", "a", "b")]
    public async Task Usage_errors_exit_2_with_the_usage(params string[] args)
    {
        var (code, _, stderr) = await Run(args);

        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("Usage: scanproxy hashlist check"));
    }

    [Test]
    public async Task Help_prints_the_usage()
    {
        var (code, stdout, _) = await Run("check", "--help");

        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.Contain("Usage: scanproxy hashlist check"));
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static async Task<(int Code, string Stdout, string Stderr)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await HashListCommand.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
