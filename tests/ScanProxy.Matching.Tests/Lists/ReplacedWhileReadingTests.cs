using System.Text;
using ScanProxy.Pdq;

namespace ScanProxy.Matching.Tests.Lists;

/// <summary>
/// A list file replaced while it is read gives the old or the new list, never a mix. The reader's chunk
/// hook changes the real file on disk after the first 1 MiB chunk, deterministically.
/// </summary>
[NonParallelizable]
public class ReplacedWhileReadingTests
{
    private const int Lines = 40_000;
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown()
    {
        HashListReader.AfterChunkForTesting = null;
        _dir.Dispose();
    }

    [Test]
    public void A_file_replaced_by_rename_mid_read_loads_the_old_content()
    {
        var path = _dir.Write("list.csv", Content(seed: 1));
        var replacement = _dir.Write("list.csv.new", Content(seed: 2));
        OnceAfterFirstChunk(path, () => File.Move(replacement, path, overwrite: true));

        var list = HashListFile.Load(path, HashListKind.Pdq);

        AssertHolds(list, seed: 1);
        Assert.That(File.ReadAllText(path), Is.EqualTo(Content(seed: 2)), "the file was really replaced mid-read");
    }

    [Test]
    public void A_file_rewritten_in_place_mid_read_is_read_again_and_loads_the_new_content()
    {
        var path = _dir.Write("list.csv", Content(seed: 1));
        OnceAfterFirstChunk(path, () => File.WriteAllText(path, Content(seed: 3)));

        var list = HashListFile.Load(path, HashListKind.Pdq);

        AssertHolds(list, seed: 3);
    }

    private static void OnceAfterFirstChunk(string path, Action change)
    {
        var done = false;
        HashListReader.AfterChunkForTesting = (file, _) =>
        {
            if (!done && file == path)
            {
                done = true;
                change();
            }
        };
    }

    private static void AssertHolds(HashList list, int seed)
    {
        Assert.That(list.Count, Is.EqualTo(Lines));
        var random = new Random(seed);
        for (var i = 0; i < Lines; i++)
        {
            var hash = TestHashes.Random(random);
            Assert.That(list.PdqIndex!.TryFindBest([hash], 0, out var match), Is.True, $"line {i + 1} of version {seed}");
            Assert.That(list.PdqIndex.GetId(match.Entry), Is.EqualTo($"v{seed}-{i}"));
        }
    }

    private static string Content(int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (var i = 0; i < Lines; i++)
        {
            text.Append(TestHashes.Random(random)).Append(",v").Append(seed).Append('-').Append(i).Append('\n');
        }

        return text.ToString();
    }
}
