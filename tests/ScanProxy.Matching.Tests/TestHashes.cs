using ScanProxy.Pdq;

namespace ScanProxy.Matching.Tests;

/// <summary>Random PDQ hashes for tests, generated from a seed.</summary>
internal static class TestHashes
{
    public static PdqHash Random(Random random) =>
        new(NextUInt64(random), NextUInt64(random), NextUInt64(random), NextUInt64(random));

    /// <summary>Flips exactly <paramref name="bits"/> distinct random bits.</summary>
    public static PdqHash Flip(PdqHash hash, int bits, Random random)
    {
        Span<ulong> words = [hash.W0, hash.W1, hash.W2, hash.W3];
        Span<ulong> done = stackalloc ulong[4];
        for (var flipped = 0; flipped < bits;)
        {
            var bit = random.Next(256);
            var mask = 1UL << (bit & 63);
            if ((done[bit >> 6] & mask) == 0)
            {
                done[bit >> 6] |= mask;
                words[bit >> 6] ^= mask;
                flipped++;
            }
        }

        return new PdqHash(words[0], words[1], words[2], words[3]);
    }

    /// <summary>Uniform hashes, or clusters: one random centre in 8, the next 7 within 1-24 bits of it.</summary>
    public static PdqHash[] Generate(int count, bool clustered, Random random)
    {
        var hashes = new PdqHash[count];
        for (var i = 0; i < count; i++)
        {
            hashes[i] = !clustered || i % 8 == 0 ? Random(random) : Flip(hashes[i / 8 * 8], 1 + random.Next(24), random);
        }

        return hashes;
    }

    private static ulong NextUInt64(Random random)
    {
        Span<byte> bytes = stackalloc byte[8];
        random.NextBytes(bytes);
        return BitConverter.ToUInt64(bytes);
    }
}
