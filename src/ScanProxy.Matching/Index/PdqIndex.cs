using System.Numerics;
using System.Runtime.CompilerServices;
using ScanProxy.Pdq;

namespace ScanProxy.Matching;

/// <summary>
/// An immutable index of the PDQ hashes of one list, answering exactly "which entries lie within distance d of
/// any of these hashes" with multi-index hashing: candidates come from buckets near the query in each
/// substring table (see <see cref="MihLayout"/>), and every candidate is checked with the full 256-bit distance.
/// When the estimated work of the probes exceeds that of a scan (very large d, tiny lists) it scans instead.
/// Searches allocate nothing and may run on any number of threads at once.
/// </summary>
public sealed class PdqIndex
{
    private readonly AlignedHashes _entries;
    private readonly MihTable[] _tables;
    private readonly EntryIds _ids;

    internal PdqIndex(AlignedHashes entries, EntryIds ids, MihLayout layout, MihTable[] tables)
    {
        _entries = entries;
        _ids = ids;
        Layout = layout;
        _tables = tables;
    }

    /// <summary>The number of distinct hashes.</summary>
    public int Count => _entries.Length;

    /// <summary>Bytes held by the hashes, the substring tables and the ids.</summary>
    public long MemoryBytes => IndexMemoryBytes + _ids.MemoryBytes;

    /// <summary>Bytes held by the hashes and the substring tables, without the ids.</summary>
    public long IndexMemoryBytes
    {
        get
        {
            var bytes = 32L * _entries.Length;
            foreach (var table in _tables)
            {
                bytes += table.MemoryBytes;
            }

            return bytes;
        }
    }

    internal MihLayout Layout { get; }

    internal ReadOnlySpan<PdqHash> Entries => _entries.Span;

    /// <summary>
    /// Builds an index of <paramref name="hashes"/> (duplicates folded); each entry's id is its hex.
    /// Building takes seconds for millions of hashes: do it off the query path.
    /// </summary>
    public static PdqIndex Create(ReadOnlySpan<PdqHash> hashes) => Create(hashes, null);

    internal static PdqIndex Create(ReadOnlySpan<PdqHash> hashes, MihLayout? layout)
    {
        var collector = new PdqCollector();
        foreach (var hash in hashes)
        {
            collector.Add(hash, []);
        }

        return collector.BuildIndex(layout);
    }

    /// <summary>The hash of entry <paramref name="entry"/>.</summary>
    public PdqHash GetHash(int entry) => Entries[entry];

    /// <summary>
    /// The ids of entry <paramref name="entry"/> in file order (one per line folded into it); an entry whose
    /// lines gave no id has its own hex as its only id.
    /// </summary>
    public IReadOnlyList<string> GetIds(int entry)
    {
        var ids = _ids.Get(entry);
        return ids.Length == 0 ? [Entries[entry].ToString()] : ids;
    }

    /// <summary>The first id of entry <paramref name="entry"/> (its hex when its lines gave none).</summary>
    public string GetId(int entry) => _ids.GetFirst(entry) ?? Entries[entry].ToString();

    /// <summary>
    /// Finds the best entry within <paramref name="maxDistance"/> of any of <paramref name="variants"/>: the
    /// smallest distance, then the lowest entry number, then the lowest variant position.
    /// </summary>
    /// <param name="variants">The query hashes, typically the 8 dihedral variants of one image.</param>
    /// <param name="maxDistance">The largest Hamming distance that counts, 0..256.</param>
    /// <param name="match">The best entry, when there is one.</param>
    public bool TryFindBest(ReadOnlySpan<PdqHash> variants, int maxDistance, out PdqMatch match) =>
        TryFindBest(variants, maxDistance, SearchMode.Auto, out match);

    /// <summary>Finds the best entry by comparing the query with every entry: the baseline the index is measured against.</summary>
    public bool TryFindBestByScan(ReadOnlySpan<PdqHash> variants, int maxDistance, out PdqMatch match) =>
        TryFindBest(variants, maxDistance, SearchMode.Scan, out match);

    internal bool TryFindBest(ReadOnlySpan<PdqHash> variants, int maxDistance, SearchMode mode, out PdqMatch match)
    {
        Validate(variants, maxDistance);
        var best = new Best(maxDistance);
        if (UseScan(mode, maxDistance, variants.Length))
        {
            ScanBest(variants, ref best);
        }
        else if (Count > 0)
        {
            var visitor = new BestVisitor(_entries, variants, best);
            Search(variants, maxDistance, ref visitor);

            best = visitor.Best;
        }

        match = new PdqMatch(best.Entry, best.Distance, best.Variant);
        return best.Entry >= 0;
    }

    /// <summary>
    /// Finds every entry within <paramref name="maxDistance"/> of any of <paramref name="variants"/>, each once,
    /// with its smallest distance over the variants (lowest variant position on ties), in no particular order.
    /// </summary>
    /// <returns>The number of such entries; only the first <paramref name="destination"/>.Length are written.</returns>
    public int FindAll(ReadOnlySpan<PdqHash> variants, int maxDistance, Span<PdqMatch> destination) =>
        FindAll(variants, maxDistance, destination, SearchMode.Auto);

    internal int FindAll(ReadOnlySpan<PdqHash> variants, int maxDistance, Span<PdqMatch> destination, SearchMode mode)
    {
        Validate(variants, maxDistance);
        if (UseScan(mode, maxDistance, variants.Length))
        {
            return ScanAll(variants, maxDistance, destination);
        }

        var visitor = new AllVisitor(this, variants, maxDistance, destination);
        if (Count > 0)
        {
            Search(variants, maxDistance, ref visitor);
        }

        return visitor.Found;
    }

    /// <summary>How many candidates a probing search of <paramref name="variants"/> checks (duplicates included); for the benchmarks.</summary>
    internal long CountCandidates(ReadOnlySpan<PdqHash> variants, int maxDistance)
    {
        var counter = new CountingVisitor();
        if (Count > 0)
        {
            Search(variants, maxDistance, ref counter);
        }

        return counter.Candidates;
    }

    private bool UseScan(SearchMode mode, int maxDistance, int variants) => mode switch
    {
        SearchMode.Scan => true,
        SearchMode.Probe => false,
        _ => Layout.EstimateCost(Count, maxDistance, variants) > MihLayout.EstimateScanCost(Count, variants),
    };

    private static void Validate(ReadOnlySpan<PdqHash> variants, int maxDistance)
    {
        if (variants.IsEmpty)
        {
            throw new ArgumentException("At least one query hash is needed.", nameof(variants));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(maxDistance);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDistance, PdqHash.Bits);
    }

    /// <summary>
    /// Probes every bucket within reach of each variant in each substring table and hands the candidates to
    /// <paramref name="visitor"/>, through a <see cref="ProbePipeline"/>.
    /// </summary>
    private void Search<TVisitor>(ReadOnlySpan<PdqHash> variants, int maxDistance, ref TVisitor visitor)
        where TVisitor : ICandidateVisitor, allows ref struct
    {
        var pipeline = new ProbePipeline(_entries, _tables);
        for (var v = 0; v < variants.Length; v++)
        {
            for (var t = 0; t < _tables.Length; t++)
            {
                var radius = Layout.RadiusOf(t, maxDistance);
                if (radius < 0)
                {
                    continue;
                }

                var key = Layout.Key(variants[v], t);
                var masks = new FlipMasks(Layout.Bits, radius);
                int count;
                while ((count = masks.Fill(key, pipeline.NextKeys)) > 0)
                {
                    pipeline.Push(count, v, t, ref visitor);
                }
            }
        }

        pipeline.Drain(ref visitor);
    }

    /// <summary>
    /// An entry within reach is found by several (variant, table) probes; only the first in search order reports
    /// it, which makes results unique without a visited set.
    /// </summary>
    private bool IsFirstFinder(in PdqHash entry, ReadOnlySpan<PdqHash> variants, int variant, int table, int maxDistance)
    {
        for (var v = 0; v < variant; v++)
        {
            if (entry.DistanceTo(variants[v]) <= maxDistance)
            {
                return false;
            }
        }

        var query = variants[variant];
        for (var t = 0; t < table; t++)
        {
            var radius = Layout.RadiusOf(t, maxDistance);
            if (radius >= 0 && Layout.SubstringDistance(entry, query, t) <= radius)
            {
                return false;
            }
        }

        return true;
    }

    private static PdqMatch Closest(in PdqHash entry, int index, ReadOnlySpan<PdqHash> variants)
    {
        var best = new PdqMatch(index, int.MaxValue, -1);
        for (var v = 0; v < variants.Length; v++)
        {
            var d = entry.DistanceTo(variants[v]);
            if (d < best.Distance)
            {
                best = new PdqMatch(index, d, v);
            }
        }

        return best;
    }

    private void ScanBest(ReadOnlySpan<PdqHash> variants, ref Best best)
    {
        var entries = Entries;
        for (var e = 0; e < entries.Length; e++)
        {
            ref readonly var h = ref entries[e];
            for (var v = 0; v < variants.Length; v++)
            {
                var d = h.DistanceTo(variants[v]);
                if (d <= best.Distance)
                {
                    best.Offer(d, e, v);
                }
            }
        }
    }

    private int ScanAll(ReadOnlySpan<PdqHash> variants, int maxDistance, Span<PdqMatch> destination)
    {
        var found = 0;
        var entries = Entries;
        for (var e = 0; e < entries.Length; e++)
        {
            var closest = Closest(entries[e], e, variants);
            if (closest.Distance <= maxDistance)
            {
                if (found < destination.Length)
                {
                    destination[found] = closest;
                }

                found++;
            }
        }

        return found;
    }

    private struct CountingVisitor : ICandidateVisitor
    {
        public long Candidates;

        public void Visit(scoped ReadOnlySpan<int> candidates, int variant, int table) => Candidates += candidates.Length;
    }

    private ref struct BestVisitor(AlignedHashes entries, ReadOnlySpan<PdqHash> variants, Best best) : ICandidateVisitor
    {
        private readonly ReadOnlySpan<PdqHash> _variants = variants;
        public Best Best = best;

        public void Visit(scoped ReadOnlySpan<int> candidates, int variant, int table)
        {
            ref var first = ref entries.First;
            var query = _variants[variant];
            var (q0, q1, q2, q3) = (query.W0, query.W1, query.W2, query.W3);
            foreach (var entry in candidates)
            {
                ref readonly var h = ref Unsafe.Add(ref first, entry);
                var d = BitOperations.PopCount(h.W0 ^ q0) + BitOperations.PopCount(h.W1 ^ q1) +
                        BitOperations.PopCount(h.W2 ^ q2) + BitOperations.PopCount(h.W3 ^ q3);
                if (d <= Best.Distance)
                {
                    Best.Offer(d, entry, variant);
                }
            }
        }
    }

    private ref struct AllVisitor(PdqIndex index, ReadOnlySpan<PdqHash> variants, int maxDistance, Span<PdqMatch> destination) : ICandidateVisitor
    {
        private readonly ReadOnlySpan<PdqHash> _variants = variants;
        private readonly Span<PdqMatch> _destination = destination;

        public int Found { get; private set; }

        public void Visit(scoped ReadOnlySpan<int> candidates, int variant, int table)
        {
            var query = _variants[variant];
            var entries = index.Entries;
            foreach (var entry in candidates)
            {
                ref readonly var h = ref entries[entry];
                if (h.DistanceTo(query) <= maxDistance && index.IsFirstFinder(h, _variants, variant, table, maxDistance))
                {
                    if (Found < _destination.Length)
                    {
                        _destination[Found] = Closest(h, entry, _variants);
                    }

                    Found++;
                }
            }
        }
    }

    /// <summary>The best (distance, entry, variant) so far; offers come only at distances up to <see cref="Distance"/>.</summary>
    private struct Best(int maxDistance)
    {
        public int Distance = maxDistance;
        public int Entry = -1;
        public int Variant = -1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Offer(int distance, int entry, int variant)
        {
            if (Entry < 0 || distance < Distance || entry < Entry || (entry == Entry && variant < Variant))
            {
                Distance = distance;
                Entry = entry;
                Variant = variant;
            }
        }
    }
}
