using ScanProxy.Pdq;

namespace ScanProxy.Matching.Tests.Index;

public class MihLayoutTests
{
    [TestCase(11, 23)]
    [TestCase(16, 16)]
    [TestCase(14, 18)]
    public void Substring_radii_satisfy_the_generalised_pigeonhole_principle_for_every_distance(int substrings, int bits)
    {
        var layout = new MihLayout(substrings, bits);
        for (var r = 0; r <= 128; r++)
        {
            // An entry missing every probe differs by at least radius+1 bits on each substring: sum(radius+1) bits in all.
            var bitsToEscape = 0;
            for (var t = 0; t < substrings; t++)
            {
                bitsToEscape += layout.RadiusOf(t, r) + 1;
            }

            Assert.That(bitsToEscape, Is.EqualTo(r + 1), $"radius {r}");
        }
    }

    [Test]
    public void Substring_keys_are_the_hash_bits_in_order()
    {
        var random = new Random(1);
        var hash = TestHashes.Random(random);
        var layout = new MihLayout(11, 23);
        for (var t = 0; t < layout.Substrings; t++)
        {
            var key = layout.Key(hash, t);
            for (var b = 0; b < layout.Bits; b++)
            {
                Assert.That((key >> b & 1) == 1, Is.EqualTo(hash[(t * layout.Bits) + b]), $"substring {t} bit {b}");
            }
        }
    }

    [Test]
    public void Flip_masks_enumerate_every_key_within_the_radius_once()
    {
        var masks = new FlipMasks(10, 3);
        var keys = new List<uint>();
        Span<uint> batch = stackalloc uint[7];
        int count;
        while ((count = masks.Fill(0b1010, batch)) > 0)
        {
            keys.AddRange(batch[..count].ToArray());
        }

        var expected = new List<uint>();
        for (uint k = 0; k < 1024; k++)
        {
            if (uint.PopCount(k ^ 0b1010) <= 3)
            {
                expected.Add(k);
            }
        }

        Assert.That(keys, Is.EquivalentTo(expected));
        Assert.That(keys, Is.Unique);
    }

    [Test]
    public void Pdq_hash_words_are_laid_out_w0_first_as_the_index_reads_them()
    {
        var hash = new PdqHash(1, 2, 3, 4);
        var layout = new MihLayout(4, 64 - 32);

        Assert.That(layout.Key(hash, 0), Is.EqualTo(1u));
        Assert.That(layout.Key(hash, 2), Is.EqualTo(2u));
        Assert.That(layout.Key(hash, 4 - 1), Is.Zero);
    }
}
