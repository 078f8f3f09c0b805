using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace ScanProxy.Matching;

/// <summary>
/// The probes of one search as a software pipeline over batches of bucket keys: while batch j's bucket lines
/// are being prefetched, batch j-1's ranges are read (their lines prefetched one step earlier), batch j-2's
/// postings gathered (prefetching their hashes) and batch j-3's candidates checked. Batches run on across
/// variants and substring tables, so the pipeline drains only when the search ends.
/// </summary>
/// <remarks>
/// Nearly every read of a search at 10M entries is a cache miss. Taking each batch through all its stages at once
/// stalled at each stage on the reads the previous one had just prefetched (at 10M entries, stopping the search
/// after each stage in turn: 0.04 ms for the keys, 0.15 more for the prefetches, 0.41 for reading the ranges, 0.37
/// for the postings and 0.42 for the hashes, 1.39 ms in all). A stage's reads now wait on data asked for a whole
/// batch earlier: in one process alternating with that code, the 8-variant median fell 8-12 % (across processes,
/// where the VM's memory swings more than that, the gain was not separable from the second-line prefetch and the
/// 3-byte postings made with it). The struct (14 KB) lives on the stack of the search; its buffers are inline
/// arrays because spans of stack memory could not be handed to a visitor that is itself a ref struct.
/// </remarks>
internal struct ProbePipeline
{
    private const int KeyBatch = 128;
    private const int Slots = 4;
    private const int CandidateBatch = 512;

    private readonly AlignedHashes _entries;
    private readonly MihTable[] _tables;
    private KeyBuffer _keys;
    private KeyBuffer _starts;
    private KeyBuffer _ends;
    private CandidateBuffer _candidates;
    private SlotBuffer _keyCounts;
    private SlotBuffer _candidateCounts;
    private SlotBuffer _variants;
    private SlotBuffer _tableOf;
    private int _batches;

    /// <param name="entries">The index's hashes.</param>
    /// <param name="tables">The index's substring tables.</param>
    public ProbePipeline(AlignedHashes entries, MihTable[] tables)
    {
        _entries = entries;
        _tables = tables;
    }

    /// <summary>The key buffer of the next batch, to be filled and then passed to <see cref="Push"/>.</summary>
    [UnscopedRef]
    public Span<uint> NextKeys => ((Span<uint>)_keys).Slice((_batches & (Slots - 1)) * KeyBatch, KeyBatch);

    /// <summary>Adds the batch of <paramref name="count"/> keys written to <see cref="NextKeys"/> and moves every stage on by one.</summary>
    public void Push<TVisitor>(int count, int variant, int table, scoped ref TVisitor visitor)
        where TVisitor : ICandidateVisitor, allows ref struct
    {
        var slot = _batches & (Slots - 1);
        _keyCounts[slot] = count;
        _variants[slot] = variant;
        _tableOf[slot] = table;
        Step(_batches, ref visitor);
        Prefetch(slot);
        _batches++;
    }

    /// <summary>Takes the batches still in the pipeline through their remaining stages.</summary>
    public void Drain<TVisitor>(scoped ref TVisitor visitor)
        where TVisitor : ICandidateVisitor, allows ref struct
    {
        for (var b = _batches; b < _batches + Slots - 1; b++)
        {
            Step(b, ref visitor);
        }
    }

    // Step(b) visits batch b-3, gathers b-2 and reads the ranges of b-1, each only if it was pushed: Drain steps
    // past the last batch to finish the ones still inside.
    private void Step<TVisitor>(int batch, scoped ref TVisitor visitor)
        where TVisitor : ICandidateVisitor, allows ref struct
    {
        if (batch >= 3)
        {
            Visit((batch - 3) & (Slots - 1), ref visitor);
        }

        if (batch >= 2 && batch - 2 < _batches)
        {
            Gather((batch - 2) & (Slots - 1), ref visitor);
        }

        if (batch >= 1 && batch - 1 < _batches)
        {
            ReadRanges((batch - 1) & (Slots - 1));
        }
    }

    private void Prefetch(int slot)
    {
        var table = _tables[_tableOf[slot]];
        var keys = ((Span<uint>)_keys).Slice(slot * KeyBatch, _keyCounts[slot]);
        foreach (var key in keys)
        {
            table.PrefetchRange(key);
        }
    }

    private void ReadRanges(int slot)
    {
        var table = _tables[_tableOf[slot]];
        var count = _keyCounts[slot];
        var keys = ((Span<uint>)_keys).Slice(slot * KeyBatch, count);
        var starts = ((Span<uint>)_starts).Slice(slot * KeyBatch, count);
        var ends = ((Span<uint>)_ends).Slice(slot * KeyBatch, count);
        ref var entries = ref _entries.First;
        var lastEntry = _entries.Length - 1;
        for (var i = 0; i < keys.Length; i++)
        {
            table.GetRange(keys[i], out starts[i], out ends[i]);
            if (table.HasPostings)
            {
                table.PrefetchPosting(starts[i]);
            }
            else
            {
                CacheHint.Prefetch(ref Unsafe.Add(ref entries, Math.Min((int)starts[i], lastEntry)));
            }
        }
    }

    private void Gather<TVisitor>(int slot, scoped ref TVisitor visitor)
        where TVisitor : ICandidateVisitor, allows ref struct
    {
        var table = _tables[_tableOf[slot]];
        var count = _keyCounts[slot];
        var starts = ((Span<uint>)_starts).Slice(slot * KeyBatch, count);
        var ends = ((Span<uint>)_ends).Slice(slot * KeyBatch, count);
        var candidates = ((Span<int>)_candidates).Slice(slot * CandidateBatch, CandidateBatch);
        ref var entries = ref _entries.First;
        var gathered = 0;
        for (var i = 0; i < starts.Length; i++)
        {
            for (var p = starts[i]; p < ends[i]; p++)
            {
                var entry = table.HasPostings ? table.Posting(p) : (int)p;
                CacheHint.Prefetch(ref Unsafe.Add(ref entries, entry));
                candidates[gathered++] = entry;
                if (gathered == candidates.Length)
                {
                    // A bucket run this long (clustered lists) is checked at once, without the lead.
                    visitor.Visit(candidates, _variants[slot], _tableOf[slot]);
                    gathered = 0;
                }
            }
        }

        _candidateCounts[slot] = gathered;
    }

    private void Visit<TVisitor>(int slot, scoped ref TVisitor visitor)
        where TVisitor : ICandidateVisitor, allows ref struct
    {
        var candidates = ((Span<int>)_candidates).Slice(slot * CandidateBatch, _candidateCounts[slot]);
        visitor.Visit(candidates, _variants[slot], _tableOf[slot]);
    }

    [InlineArray(Slots * KeyBatch)]
    private struct KeyBuffer
    {
        private uint _element;
    }

    [InlineArray(Slots * CandidateBatch)]
    private struct CandidateBuffer
    {
        private int _element;
    }

    [InlineArray(Slots)]
    private struct SlotBuffer
    {
        private int _element;
    }
}
