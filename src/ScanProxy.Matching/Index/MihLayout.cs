using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ScanProxy.Pdq;

namespace ScanProxy.Matching;

/// <summary>
/// How multi-index hashing cuts the 256 bits: <see cref="Substrings"/> disjoint substrings of
/// <see cref="Bits"/> consecutive bits each (bits beyond <c>Substrings * Bits</c> are not indexed), and how
/// many bytes a posting (an entry number) takes: 3 while every entry number fits in 24 bits, else 4.
/// </summary>
/// <remarks>
/// Norouzi's generalised pigeonhole principle makes every search exact: with
/// <c>r = m*s + a</c> (0 &lt;= a &lt; m), an entry within distance r of a query is within distance s of it on one
/// of the first a+1 substrings, or within s-1 on one of the others. Leaving bits out only weakens the filter,
/// never the guarantee, because the substring distances still add up to at most the full distance.
/// </remarks>
internal sealed record MihLayout(int Substrings, int Bits, int PostingBytes = 4)
{
    /// <summary>The radius the layout is chosen for: Meta's suggested match threshold.</summary>
    public const int DesignRadius = 31;

    /// <summary>Index memory allowed per entry, hashes included, leaving room for ids under 100 bytes.</summary>
    public const double BytesPerEntryBudget = 92;

    /// <summary>The most entries a layout with 3-byte postings can index.</summary>
    public const int MaxEntriesFor3BytePostings = 1 << 24;

    // Relative costs: a bucket probe is one random read, of its bucket line; a candidate adds a posting read and a
    // random read of its 32-byte hash. Scanning one entry against one variant (a sequential read and four popcounts)
    // cost 1.3-2 ns in the benchmark runs (benchmarks/README.md) against 20-60 ns per probe-sized unit.
    private const double ProbeCost = 1.0;
    private const double CandidateCost = 1.5;
    private const double ScanCostPerEntryAndVariant = 0.05;

    public uint Mask => Bits == 32 ? uint.MaxValue : (1u << Bits) - 1;

    public int BucketCount => 1 << Bits;

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
                var layout = new MihLayout(m, b, postingBytes);
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

        return best ?? new MihLayout(16, 16, postingBytes);
    }

    private const int PdqHashBytes = 32;

    /// <summary>Bytes of the bucket starts and postings for <paramref name="entries"/> entries (table 0 has no postings).</summary>
    public long TableBytes(long entries) => (Substrings * BucketLines.BytesFor(BucketCount)) + ((long)PostingBytes * (Substrings - 1) * entries);

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
            probes += BallSize(Bits, RadiusOf(t, radius));
        }

        return probes;
    }

    /// <summary>Estimated work of a search with uniformly random entries, in units of one probe.</summary>
    public double EstimateCost(long entries, int radius, int variants)
    {
        var probes = Probes(radius);
        return variants * probes * (ProbeCost + (CandidateCost * entries / BucketCount));
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
        var low = table * Bits;
        var word = low >> 6;
        var shift = low & 63;
        var value = words[word] >> shift;
        if (shift + Bits > 64)
        {
            value |= words[word + 1] << (64 - shift);
        }

        return (uint)value & Mask;
    }

    /// <summary>The Hamming distance of two hashes on substring <paramref name="table"/>.</summary>
    public int SubstringDistance(in PdqHash a, in PdqHash b, int table) => BitOperations.PopCount(Key(a, table) ^ Key(b, table));
}
