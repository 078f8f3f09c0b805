using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using ScanProxy.Pdq;

namespace ScanProxy.Matching.Tests.Lists;

public class HashListFileTests
{
    private const string HashA = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    private const string HashB = "0000000000000000000000000000000000000000000000000000000000000001";
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void Entries_ids_comments_blank_lines_and_a_header_are_read()
    {
        var path = _dir.Write("list.csv", $"# known hashes\nhash,id,source\n\n{HashA},case-1,ncmec\n  # indented comment\n{HashB.ToUpperInvariant()}\n");

        var list = HashListFile.Load(path, HashListKind.Pdq);

        Assert.That(list.Count, Is.EqualTo(2));
        Assert.That(list.Lines, Is.EqualTo(6));
        var index = list.PdqIndex!;
        Assert.That(index.TryFindBest([PdqHash.Parse(HashA)], 0, out var a), Is.True);
        string[] expected = ["case-1"];
        Assert.That(index.GetIds(a.Entry), Is.EqualTo(expected));
        Assert.That(index.TryFindBest([PdqHash.Parse(HashB)], 0, out var b), Is.True);
        Assert.That(index.GetIds(b.Entry), Is.EqualTo(new[] { HashB }), "an entry without an id is known by its hex");
    }

    [Test]
    public void Crlf_line_ends_a_byte_order_mark_and_spaces_around_fields_are_accepted()
    {
        var path = _dir.File("list.csv");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes($"pdq_hex,id\r\n {HashA} , first \r\n{HashB},second")]);

        var list = HashListFile.Load(path, HashListKind.Pdq);

        Assert.That(list.Count, Is.EqualTo(2));
        Assert.That(list.PdqIndex!.TryFindBest([PdqHash.Parse(HashA)], 0, out var match), Is.True);
        Assert.That(list.PdqIndex.GetId(match.Entry), Is.EqualTo("first"));
    }

    [Test]
    public void Duplicates_fold_into_one_entry_keeping_every_id_in_file_order()
    {
        var path = _dir.Write("list.csv", $"{HashA},x\n{HashB},y\n{HashA.ToUpperInvariant()},z\n{HashA}\n");

        var list = HashListFile.Load(path, HashListKind.Pdq);

        Assert.That(list.Count, Is.EqualTo(2));
        Assert.That(list.EntryLines, Is.EqualTo(4));
        Assert.That(list.Duplicates, Is.EqualTo(2));
        list.PdqIndex!.TryFindBest([PdqHash.Parse(HashA)], 0, out var match);
        string[] expected = ["x", "z"];
        Assert.That(list.PdqIndex.GetIds(match.Entry), Is.EqualTo(expected));
    }

    [Test]
    public void A_non_hex_character_rejects_the_file_naming_line_and_column()
    {
        var bad = string.Concat(HashA.AsSpan(0, 10), "g", HashA.AsSpan(11));
        var path = _dir.Write("list.csv", $"{HashA}\n{bad},id\n");

        var ex = Assert.Throws<HashListFormatException>(() => HashListFile.Load(path, HashListKind.Pdq));

        Assert.That(ex.Errors, Has.Count.EqualTo(1));
        Assert.That(ex.Errors[0].Line, Is.EqualTo(2));
        Assert.That(ex.Errors[0].Message, Does.Contain("'g' at column 11"));
        Assert.That(ex.Message, Does.StartWith($"{path}:2: "));
    }

    [Test]
    public void A_hash_of_the_wrong_length_rejects_the_file()
    {
        var path = _dir.Write("list.csv", $"{HashA}\n{HashA[..63]}\n");

        var ex = Assert.Throws<HashListFormatException>(() => HashListFile.Load(path, HashListKind.Pdq));

        Assert.That(ex.Errors[0], Is.EqualTo(new HashListError(2, $"'{HashA[..63]}' has 63 hex digits; a PDQ hash has 64")));
    }

    [Test]
    public void Every_bad_line_is_counted_and_the_first_hundred_are_kept()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 150; i++)
        {
            text.Append(HashA).Append('\n').Append("nothex").Append('\n');
        }

        var path = _dir.Write("list.csv", text.ToString());

        var ex = Assert.Throws<HashListFormatException>(() => HashListFile.Load(path, HashListKind.Pdq));

        Assert.That(ex.ErrorCount, Is.EqualTo(150));
        Assert.That(ex.Errors, Has.Count.EqualTo(100));
        Assert.That(ex.Errors[99].Line, Is.EqualTo(200));
    }

    [Test]
    public void A_header_is_allowed_only_as_the_first_data_line()
    {
        var path = _dir.Write("list.csv", $"{HashA}\nhash,id\n");

        var ex = Assert.Throws<HashListFormatException>(() => HashListFile.Load(path, HashListKind.Pdq));

        Assert.That(ex.Errors[0].Line, Is.EqualTo(2));
    }

    [Test]
    public void A_file_of_only_comments_and_a_header_is_a_valid_empty_list()
    {
        var path = _dir.Write("list.csv", "# nothing yet\nhash,id\n\n");

        var list = HashListFile.Load(path, HashListKind.Pdq);

        Assert.That(list.Count, Is.Zero);
        Assert.That(list.PdqIndex!.TryFindBest([PdqHash.Zero], 256, out _), Is.False);
    }

    [Test]
    public void A_zero_byte_file_is_rejected_as_most_likely_caught_mid_write()
    {
        var path = _dir.Write("list.csv", "");

        var ex = Assert.Throws<HashListFormatException>(() => HashListFile.Load(path, HashListKind.Pdq));

        Assert.That(ex.Errors[0].Message, Does.Contain("empty (0 bytes)"));
    }

    [Test]
    public void An_id_that_is_not_utf8_is_a_bad_line()
    {
        var path = _dir.File("list.csv");
        File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes(HashA + ","), 0xFF, 0xFE, (byte)'\n']);

        var ex = Assert.Throws<HashListFormatException>(() => HashListFile.Load(path, HashListKind.Pdq));

        Assert.That(ex.Errors[0], Is.EqualTo(new HashListError(1, "the id is not valid UTF-8")));
    }

    [Test]
    public void A_line_longer_than_the_limit_is_a_bad_line_and_reading_goes_on()
    {
        var path = _dir.Write("list.csv", $"{HashA},{new string('x', 70_000)}\n{HashB}\nbad\n");

        var ex = Assert.Throws<HashListFormatException>(() => HashListFile.Load(path, HashListKind.Pdq));

        long[] expected = [1, 3];
        Assert.That(ex.Errors.Select(e => e.Line), Is.EqualTo(expected));
        Assert.That(ex.Errors[0].Message, Does.Contain("longer than 65536 bytes"));
    }

    [Test]
    public void A_missing_file_throws_FileNotFoundException()
    {
        Assert.Throws<FileNotFoundException>(() => HashListFile.Load(_dir.File("absent.csv"), HashListKind.Pdq));
    }

    [SuppressMessage("Security", "CA5351:Do not use broken cryptographic algorithms", Justification = "Published exact lists use MD5 and SHA-1; matching them needs the same digests.")]
    [SuppressMessage("Security", "CA5350:Do not use weak cryptographic algorithms", Justification = "Published exact lists use MD5 and SHA-1; matching them needs the same digests.")]
    [TestCase(HashListKind.Md5)]
    [TestCase(HashListKind.Sha1)]
    [TestCase(HashListKind.Sha256)]
    public void Exact_lists_find_digests_of_object_bytes(HashListKind kind)
    {
        byte[] Digest(string text)
        {
            var data = Encoding.UTF8.GetBytes(text);
            return kind switch
            {
                HashListKind.Md5 => MD5.HashData(data),
                HashListKind.Sha1 => SHA1.HashData(data),
                _ => SHA256.HashData(data),
            };
        }

        var lines = new StringBuilder("digest,id\n");
        for (var i = 0; i < 500; i++)
        {
            lines.Append(Convert.ToHexString(Digest($"object {i}"))).Append(",obj-").Append(i).Append('\n');
        }

        lines.Append(Convert.ToHexStringLower(Digest("object 7"))).Append(",again\n");
        var list = HashListFile.Load(_dir.Write("list.txt", lines.ToString()), kind);
        var set = list.ExactSet!;

        Assert.That(set.Count, Is.EqualTo(500));
        Assert.That(set.Contains(Digest("object 7"), out var entry), Is.True);
        string[] expected = ["obj-7", "again"];
        Assert.That(set.GetIds(entry), Is.EqualTo(expected));
        Assert.That(set.GetHex(entry), Is.EqualTo(Convert.ToHexStringLower(Digest("object 7"))));
        Assert.That(set.Contains(Digest("object 500"), out _), Is.False);
        Assert.That(() => set.Contains(new byte[7], out _), Throws.ArgumentException);
    }

    [Test]
    public void A_pdq_hash_in_a_md5_list_is_a_bad_line()
    {
        var path = _dir.Write("list.txt", $"{new string('a', 32)}\n{HashA}\n");

        var ex = Assert.Throws<HashListFormatException>(() => HashListFile.Load(path, HashListKind.Md5));

        Assert.That(ex.Errors[0], Is.EqualTo(new HashListError(2, $"'{HashA}' has 64 hex digits; a MD5 digest has 32")));
    }

    [Test]
    public void The_version_is_the_sha256_prefix_of_the_file_bytes()
    {
        var path = _dir.Write("list.csv", $"{HashA}\n");

        var list = HashListFile.Load(path, HashListKind.Pdq);

        Assert.That(list.Version, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))[..16]));
    }

    [Test]
    public void Check_infers_the_kind_and_reports_every_bad_line()
    {
        var text = new StringBuilder($"{HashA},a\n{HashA},b\n");
        for (var i = 0; i < 120; i++)
        {
            text.Append("zz\n");
        }

        var path = _dir.Write("list.csv", text.ToString());

        var result = HashListFile.Check(path, kind: null);

        Assert.That(result.Kind, Is.EqualTo(HashListKind.Pdq));
        Assert.That(result.Entries, Is.EqualTo(1));
        Assert.That(result.Duplicates, Is.EqualTo(1));
        Assert.That(result.ErrorCount, Is.EqualTo(120));
        Assert.That(result.Errors, Has.Count.EqualTo(120));
        Assert.That(result.IsValid, Is.False);
    }
}
