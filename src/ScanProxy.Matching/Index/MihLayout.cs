using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ScanProxy.Pdq;

namespace ScanProxy.Matching;

/// <summary>
/// How multi-index hashing cuts the 256 bits: <see cref="Substrings"/> disjoint substrings of consecutive bits, the
/// first <see cref="WideSubstrings"/> of <see cref="Bits"/> + 1 bits and the others of <see cref="Bits"/> (bits
/// beyond the last substring are not indexed), and how many bytes a posting (an entry number) takes: 3 while every
/// entry number fits in 24 bits, else 4.
/// </summary>
/// <remarks>
/// Norouzi's generalised pigeonhole principle makes every search exact: with
/// <c>r = m*s + a</c> (0 &lt;= a &lt; m), an entry within distance r of a query is within distance s of it on one
/// of the first a+1 substrings, or within s-1 on one of the others. Leaving bits out only weakens the filter,
/// never the guarantee, because the substring distances still add up to at most the full distance; substrings of
/// different lengths do not change it either. The wide substrings come first, where the probing radius is larger:
/// at radius 2 a 24-bit substring probes 301 buckets of 0.6 entries each at 10M entries, a 23-bit one 277 of 1.2.
/// </remarks>
internal sealed record MihLayout(int Substrings, int Bits, int PostingBytes = 4, int WideSubstrings = 0)
{
    /// <summary>The radius the layout is chosen for: Meta's suggested match threshold.</summary>
    public const int DesignRadius = 31;

    /// <summary>Index memory allowed per entry, hashes included, leaving room for ids under 100 bytes.</summary>
    public const double BytesPerEntryBudget = 92;

    /// <summary>The most entries a layout with 3-byte postings can index.</summary>
    public const int MaxEntriesFor3BytePostings = 1 << 24;

    // Relative costs: a bucket probe is one cache miss in the offset table; a candidate adds a posting read and
    // a miss on its 32-byte hash. Scanning one entry against one variant (a sequential read and four popcounts)
    // cost 1.3-2 ns in the benchmark runs (benchmarks/README.md) against 20-60 ns per probe-sized unit.
    private const double ProbeCost = 1.0;
    private const double CandidateCost = 1.5;
    private const double ScanCostPerEntryAndVariant = 0.05;

    /// <summary>The number of bits of substring <paramref name="table"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int BitsOf(int table) => table < WideSubstrings ? Bits + 1 : Bits;

    /// <summary>The number of buckets of substring <paramref name="table"/>.</summary>
    public int BucketCountOf(int table) => 1 << BitsOf(table);

    /// <summary>The bit of the hash where substring <paramref name="table"/> starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int StartOf(int table) => (table * Bits) + Math.Min(table, WideSubstrings);

    /// <summary>The layout with the least estimated work at <see cref="DesignRadius"/> within the memory budget.</summary>
    public static MihLayout For(long entries)
    {
        var n = Math.Max(entries, 1);
        var postingBytes = n <= MaxEntriesFor3BytePostings ? 3 : 4;
        MihLayout? best = null;
        var bestCost = double.MaxValue;
        for (var m = 2; m <= 32; m++)
        {
            for (var b = 8; b <= Math.Min(28, 256 / m); b++)
            {
                // Every wide substring makes one fewer bit go unindexed; all m of them wide is the layout of b + 1.
                for (var w = 0; w <= Math.Min(m - 1, 256 - (m * b)); w++)
                {
                    var layout = new MihLayout(m, b, postingBytes, w);
                    var tableBytes = layout.TableBytes(n);
                    if (tableBytes > Math.Max((BytesPerEntryBudget - PdqHashBytes) * n, 16L << 20))
                    {
                        continue;
                    }

                    var cost = layout.EstimateCost(n, DesignRadius, 1);
                    if (cost < bestCost)
                    {
                        bestCost = cost;
                        best = layout;
                    }
                }
            }
        }

        return best ?? new MihLayout(16, 16, postingBytes);
    }

    private const int PdqHashBytes = 32;

    /// <summary>Bytes of the bucket starts and postings for <paramref name="entries"/> entries (table 0 has no postings).</summary>
    public long TableBytes(long entries)
    {
        var bytes = (long)PostingBytes * (Substrings - 1) * entries;
        for (var t = 0; t < Substrings; t++)
        {
            bytes += BucketLines.BytesFor(BucketCountOf(t));
        }

        return bytes;
    }

    /// <summary>The probing radius of substring <paramref name="table"/> for a search at <paramref name="radius"/>; -1 means the substring is not probed.</summary>
    public int RadiusOf(int table, int radius)
    {
        var s = radius / Substrings;
        var a = radius % Substrings;
        return table <= a ? s : s - 1;
    }

    /// <summary>The number of bucket probes of one query hash at <paramref name="radius"/>.</summary>
    public double Probes(int radius)
    {
        double probes = 0;
        for (var t = 0; t < Substrings; t++)
        {
            probes += BallSize(BitsOf(t), RadiusOf(t, radius));
        }

        return probes;
    }

    /// <summary>Estimated work of a search with uniformly random entries, in units of one probe.</summary>
    public double EstimateCost(long entries, int radius, int variants)
    {
        double cost = 0;
        for (var t = 0; t < Substrings; t++)
        {
            cost += BallSize(BitsOf(t), RadiusOf(t, radius)) * (ProbeCost + (CandidateCost * entries / BucketCountOf(t)));
        }

        return variants * cost;
    }

    /// <summary>Estimated work of scanning every entry, in the same units as <see cref="EstimateCost"/>.</summary>
    public static double EstimateScanCost(long entries, int variants) => entries * variants * ScanCostPerEntryAndVariant;

    /// <summary>The number of keys within Hamming distance <paramref name="radius"/> of a <paramref name="bits"/>-bit key.</summary>
    public static double BallSize(int bits, int radius)
    {
        double total = 0;
        double term = 1;
        for (var i = 0; i <= radius && i <= bits; i++)
        {
            total += term;
            term = term * (bits - i) / (i + 1);
        }

        return total;
    }

    /// <summary>The key of <paramref name="hash"/> in substring <paramref name="table"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Key(in PdqHash hash, int table)
    {
        var words = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<PdqHash, ulong>(ref Unsafe.AsRef(in hash)), 4);
        var bits = BitsOf(table);
        var low = StartOf(table);
        var word = low >> 6;
        var shift = low & 63;
        var value = words[word] >> shift;
        if (shift + bits > 64)
        {
            value |= words[word + 1] << (64 - shift);
        }

        return (uint)(value & ((1UL << bits) - 1));
    }

    /// <summary>The layout as the benchmarks print it, for instance "11 x 23 bits (3 of 24), 3-byte postings".</summary>
    public override string ToString() =>
        $"{Substrings} x {Bits} bits{(WideSubstrings > 0 ? $" ({WideSubstrings} of {Bits + 1})" : "")}, {PostingBytes}-byte postings";

    /// <summary>The Hamming distance of two hashes on substring <paramref name="table"/>.</summary>
    public int SubstringDistance(in PdqHash a, in PdqHash b, int table) => BitOperations.PopCount(Key(a, table) ^ Key(b, table));
}
