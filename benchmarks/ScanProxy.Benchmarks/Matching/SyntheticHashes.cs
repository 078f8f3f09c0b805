using ScanProxy.Pdq;

namespace ScanProxy.Benchmarks.Matching;

/// <summary>How synthetic list entries are spread.</summary>
public enum HashSpread
{
    /// <summary>Independent uniformly random hashes.</summary>
    Uniform,

    /// <summary>Near-duplicates, as real lists have: one entry in 8 is a random centre, the next 7 lie 1-24 bits from it.</summary>
    Clustered,
}

/// <summary>Deterministic synthetic PDQ hashes for the matching benchmarks.</summary>
internal static class SyntheticHashes
{
    public static PdqHash Random(Random random) =>
        new((ulong)random.NextInt64() ^ ((ulong)random.Next() << 63), (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63),
            (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63), (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63));

    /// <summary>Flips <paramref name="bits"/> distinct random bits.</summary>
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

    public static PdqHash[] Generate(int count, HashSpread spread, int seed)
    {
        var random = new Random(seed);
        var hashes = new PdqHash[count];
        for (var i = 0; i < count; i++)
        {
            hashes[i] = spread == HashSpread.Uniform || i % 8 == 0
                ? Random(random)
                : Flip(hashes[i / 8 * 8], 1 + random.Next(24), random);
        }

        return hashes;
    }
}
