using System.Globalization;
using System.Numerics;
using ScanProxy.Pdq;

namespace ScanProxy.Pdq.Tests;

/// <summary>Meta's bit order and hex form (README "Hex encoding and bit order").</summary>
public class PdqHashTests
{
    [Test]
    public void Bit_0_is_the_lowest_bit_of_the_last_hex_digit()
    {
        Span<ushort> rows = stackalloc ushort[16];
        rows[0] = 1;
        Assert.That(PdqHash.FromRows(rows).ToString(), Is.EqualTo(new string('0', 63) + "1"));
    }

    [Test]
    public void Bit_255_is_the_highest_bit_of_the_first_hex_digit()
    {
        Span<ushort> rows = stackalloc ushort[16];
        rows[15] = 0x8000;
        Assert.That(PdqHash.FromRows(rows).ToString(), Is.EqualTo("8" + new string('0', 63)));
    }

    [Test]
    public void Row_u_is_printed_as_the_four_digit_word_at_position_15_minus_u()
    {
        Span<ushort> rows = stackalloc ushort[16];
        for (var u = 0; u < 16; u++)
        {
            rows[u] = (ushort)(0x1000 * (u % 16) + u);
        }

        var hex = PdqHash.FromRows(rows).ToString();
        for (var u = 0; u < 16; u++)
        {
            Assert.That(hex.Substring((15 - u) * 4, 4), Is.EqualTo(rows[u].ToString("x4", CultureInfo.InvariantCulture)));
        }
    }

    [Test]
    public void Every_bit_k_of_a_reference_hash_is_bit_k_of_the_hex_read_as_a_big_endian_integer()
    {
        foreach (var vector in ReferenceVector.Load("dev-png-fullres.csv").Take(5))
        {
            var hex = vector.Hash.ToString();
            var n = BigInteger.Parse("0" + hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            for (var k = 0; k < PdqHash.Bits; k++)
            {
                Assert.That(vector.Hash[k], Is.EqualTo(!((n >> k) & 1).IsZero), $"{vector.File} bit {k}");
                Assert.That(vector.Hash[k], Is.EqualTo(((vector.Hash.GetRow(k / 16) >> (k % 16)) & 1) == 1), $"{vector.File} bit {k} via its row");
            }
        }
    }

    [Test]
    public void Hex_round_trips_in_either_case()
    {
        foreach (var vector in ReferenceVector.Load("dev-png-fullres.csv"))
        {
            foreach (var hash in vector.Dihedral)
            {
                var hex = hash.ToString();
                Assert.That(PdqHash.Parse(hex), Is.EqualTo(hash));
                Assert.That(PdqHash.Parse(hex.ToUpperInvariant()), Is.EqualTo(hash));
                Assert.That(PdqHash.TryParse(System.Text.Encoding.ASCII.GetBytes(hex), out var fromBytes) && fromBytes == hash, Is.True);
            }
        }
    }

    [TestCase("")]
    [TestCase("123")]
    [TestCase("g000000000000000000000000000000000000000000000000000000000000000")]
    [TestCase("0000000000000000000000000000000000000000000000000000000000000000a")]
    public void Text_that_is_not_64_hex_digits_is_refused(string text)
    {
        Assert.Multiple(() =>
        {
            Assert.That(PdqHash.TryParse(text, out _), Is.False);
            Assert.That(() => PdqHash.Parse(text), Throws.TypeOf<FormatException>());
        });
    }

    [Test]
    public void Distance_counts_differing_bits()
    {
        var vectors = ReferenceVector.Load("dev-png-fullres.csv");
        var a = vectors[0].Hash;
        var b = vectors[1].Hash;
        var n = BigInteger.Parse("0" + a, NumberStyles.HexNumber, CultureInfo.InvariantCulture) ^
            BigInteger.Parse("0" + b, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var expected = 0;
        for (var k = 0; k < 256; k++)
        {
            expected += (int)((n >> k) & 1);
        }

        Assert.Multiple(() =>
        {
            Assert.That(a.DistanceTo(b), Is.EqualTo(expected));
            Assert.That(PdqHash.Distance(a, a), Is.Zero);
        });
    }

    [Test]
    public void Dihedral_hashes_are_indexed_by_variant_in_spec_order()
    {
        var vector = ReferenceVector.Load("dev-png-fullres.csv")[0];
        var result = ReferenceVectorTests.Hash(vector);
        Assert.Multiple(() =>
        {
            Assert.That(result.Dihedral.Length, Is.EqualTo(8));
            Assert.That(result.Dihedral[PdqVariant.Original], Is.EqualTo(result.Hash));
            Assert.That(result.Dihedral[PdqVariant.Rotate90], Is.EqualTo(vector.Dihedral[1]));
            Assert.That(result.Dihedral[PdqVariant.FlipMinus1], Is.EqualTo(vector.Dihedral[7]));
            Assert.That(result.Dihedral.AsSpan().ToArray(), Is.EqualTo(vector.Dihedral));
        });
    }

    [Test]
    public void Without_dihedral_the_result_says_so_and_holds_only_the_hash()
    {
        var vector = ReferenceVector.Load("dev-png-fullres.csv")[0];
        var result = PdqHasher.HashImage(File.ReadAllBytes(vector.ImagePath), ScanProxy.Pdq.Decoding.ImageDecodeOptions.Default, dihedral: false);
        Assert.Multiple(() =>
        {
            Assert.That(result.HasDihedral, Is.False);
            Assert.That(result.Hash, Is.EqualTo(vector.Hash));
            Assert.That(result.Quality, Is.EqualTo(vector.Quality));
            Assert.That(result.Dihedral, Is.EqualTo(default(PdqDihedralHashes)));
        });
    }
}
