using ScanProxy.Pdq;

namespace ScanProxy.Matching.Tests.Index;

public class PdqIndexTests
{
    private static readonly int[] s_radii = [0, 1, 15, 31, 32, 63];

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var clustered in new[] { false, true })
        {
            foreach (var layout in new[] { "default", "16x16", "11x20" })
            {
                foreach (var radius in s_radii)
                {
                    yield return new TestCaseData(clustered, layout, radius)
                        .SetName($"Index_equals_brute_force_{(clustered ? "clustered" : "uniform")}_layout_{layout}_radius_{radius}");
                }
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Index_results_equal_brute_force(bool clustered, string layoutName, int radius)
    {
        var random = new Random(HashCode.Combine(clustered, layoutName, radius));
        var queries = new List<PdqHash[]>();
        var entries = new List<PdqHash>(TestHashes.Generate(3000, clustered, random));
        for (var q = 0; q < 30; q++)
        {
            var variants = new PdqHash[8];
            for (var v = 0; v < variants.Length; v++)
            {
                variants[v] = TestHashes.Random(random);
            }

            // Plant entries at exactly the radius and one beyond, from a random variant.
            var plantedVariant = random.Next(8);
            entries.Add(TestHashes.Flip(variants[plantedVariant], radius, random));
            entries.Add(TestHashes.Flip(variants[plantedVariant], radius + 1, random));
            if (q % 3 == 0)
            {
                // And another variant that lies inside a cluster.
                variants[(plantedVariant + 1 + random.Next(7)) % 8] = TestHashes.Flip(entries[random.Next(3000)], random.Next(radius + 2), random);
            }

            queries.Add(variants);
        }

        var layout = layoutName switch
        {
            "16x16" => new MihLayout(16, 16),
            "11x20" => new MihLayout(11, 20, PostingBytes: 3),
            _ => null,
        };
        var index = PdqIndex.Create(entries.ToArray(), layout);
        var all = new PdqMatch[entries.Count];

        var plantedFound = 0;
        foreach (var variants in queries)
        {
            var expected = BruteForce(index, variants, radius);
            Assert.That(index.TryFindBest(variants, radius, SearchMode.Probe, out var best), Is.EqualTo(expected.Count > 0));
            if (expected.Count > 0)
            {
                Assert.That(best, Is.EqualTo(BestOf(expected)));
                plantedFound++;
            }

            Assert.That(index.TryFindBest(variants, radius, SearchMode.Scan, out var scanned), Is.EqualTo(expected.Count > 0));
            Assert.That(scanned, Is.EqualTo(best));

            var count = index.FindAll(variants, radius, all, SearchMode.Probe);
            var found = all.AsSpan(0, count).ToArray();
            Array.Sort(found, (a, b) => a.Entry.CompareTo(b.Entry));
            Assert.That(found, Is.EqualTo(expected));
        }

        Assert.That(plantedFound, Is.EqualTo(queries.Count), "every query has an entry planted at exactly the radius");
    }

    [Test]
    public void Entry_at_exactly_the_distance_matches_and_one_bit_further_does_not()
    {
        var random = new Random(7);
        var entries = TestHashes.Generate(5000, clustered: false, random);
        var query = TestHashes.Random(random);
        var atRadius = TestHashes.Flip(query, 31, random);
        var beyond = TestHashes.Flip(query, 32, random);

        var inside = PdqIndex.Create([.. entries, atRadius]);
        var outside = PdqIndex.Create([.. entries, beyond]);

        Assert.That(inside.TryFindBest([query], 31, out var match), Is.True);
        Assert.That(inside.GetHash(match.Entry), Is.EqualTo(atRadius));
        Assert.That(match.Distance, Is.EqualTo(31));
        Assert.That(outside.TryFindBest([query], 31, out _), Is.False);
    }

    [Test]
    public void Best_match_reports_which_variant_matched()
    {
        var random = new Random(11);
        var variants = new PdqHash[8];
        for (var v = 0; v < 8; v++)
        {
            variants[v] = TestHashes.Random(random);
        }

        var entry = TestHashes.Flip(variants[5], 10, random);
        var index = PdqIndex.Create([.. TestHashes.Generate(2000, clustered: false, random), entry]);

        Assert.That(index.TryFindBest(variants, 31, out var match), Is.True);
        Assert.That(match.Variant, Is.EqualTo(5));
        Assert.That(match.Distance, Is.EqualTo(10));
        Assert.That(index.GetHash(match.Entry), Is.EqualTo(entry));
    }

    [Test]
    public void FindAll_returns_the_total_and_fills_only_the_destination()
    {
        var random = new Random(3);
        var query = TestHashes.Random(random);
        var near = new PdqHash[20];
        for (var i = 0; i < near.Length; i++)
        {
            near[i] = TestHashes.Flip(query, 1 + i, random);
        }

        var index = PdqIndex.Create([.. TestHashes.Generate(1000, clustered: false, random), .. near]);
        var destination = new PdqMatch[5];

        Assert.That(index.FindAll([query], 20, destination), Is.EqualTo(20));
        Assert.That(destination, Has.All.Matches<PdqMatch>(m => m.Distance is >= 1 and <= 20));
    }

    [Test]
    public void Duplicate_hashes_fold_into_one_entry_known_by_its_hex()
    {
        var random = new Random(5);
        var hash = TestHashes.Random(random);
        var index = PdqIndex.Create([hash, TestHashes.Random(random), hash]);

        Assert.That(index.Count, Is.EqualTo(2));
        Assert.That(index.TryFindBest([hash], 0, out var match), Is.True);
        Assert.That(index.GetIds(match.Entry), Is.EqualTo(new[] { hash.ToString() }));
    }

    [Test]
    public void Search_rejects_an_empty_query_and_a_distance_outside_0_to_256()
    {
        var index = PdqIndex.Create([PdqHash.Zero]);

        Assert.That(() => index.TryFindBest([], 31, out _), Throws.ArgumentException);
        Assert.That(() => index.TryFindBest([PdqHash.Zero], -1, out _), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => index.TryFindBest([PdqHash.Zero], 257, out _), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void An_empty_index_finds_nothing()
    {
        var index = PdqIndex.Create([]);

        Assert.That(index.Count, Is.Zero);
        Assert.That(index.TryFindBest([PdqHash.Zero], 256, out _), Is.False);
        Assert.That(index.FindAll([PdqHash.Zero], 31, new PdqMatch[1], SearchMode.Probe), Is.Zero);
    }

    [Test]
    public void Index_memory_stays_within_100_bytes_per_entry_at_a_million_entries()
    {
        var layout = MihLayout.For(1_000_000);
        var bytesPerEntry = (32.0 * 1_000_000 + layout.TableBytes(1_000_000)) / 1_000_000;

        Assert.That(bytesPerEntry, Is.LessThanOrEqualTo(MihLayout.BytesPerEntryBudget));
        Assert.That(MihLayout.For(10_000_000), Is.EqualTo(new MihLayout(11, 23, PostingBytes: 3)));
    }

    [Test]
    public void Postings_take_3_bytes_up_to_2_to_the_24_entries_and_4_beyond()
    {
        Assert.That(MihLayout.For(1 << 24).PostingBytes, Is.EqualTo(3));
        Assert.That(MihLayout.For((1 << 24) + 1).PostingBytes, Is.EqualTo(4));
    }

    [Test]
    public void The_index_of_3000_entries_holds_3_bytes_per_posting()
    {
        var entries = TestHashes.Generate(3000, clustered: false, new Random(5));
        var packed = PdqIndex.Create(entries, new MihLayout(11, 20, PostingBytes: 3));
        var wide = PdqIndex.Create(entries, new MihLayout(11, 20, PostingBytes: 4));

        // Ten tables with postings, one byte less per entry in each; the last 3-byte posting has one byte of padding.
        Assert.That(wide.IndexMemoryBytes - packed.IndexMemoryBytes, Is.EqualTo((10 * 3000) - 10));
    }

    [Test]
    public void Index_memory_is_what_the_layout_counts_when_it_chooses()
    {
        var entries = TestHashes.Generate(100_000, clustered: false, new Random(6));
        var layout = new MihLayout(11, 20, PostingBytes: 3);
        var index = PdqIndex.Create(entries, layout);

        // Beyond the count, each array has room to start on a cache-line boundary and 3-byte postings one byte of padding.
        var modelled = (32L * entries.Length) + layout.TableBytes(entries.Length);
        Assert.That(index.IndexMemoryBytes - modelled, Is.InRange(0, 64 * (layout.Substrings + 1)));
    }

    [TestCase("default")]
    [TestCase("16x16")]
    public void A_bucket_line_of_65536_or_more_entries_is_searched_exactly(string layoutName)
    {
        // 70,000 entries that differ only in their last 64 bits share their key in every substring below bit 192, so a
        // line of 29 buckets holds them all: more than 16-bit offsets can count, which makes those tables keep
        // 32-bit bucket starts instead.
        var random = new Random(7);
        var centre = TestHashes.Random(random);
        var entries = new PdqHash[70_000];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = new PdqHash(centre.W0, centre.W1, centre.W2, (ulong)random.NextInt64() ^ ((ulong)i << 47));
        }

        var index = PdqIndex.Create(entries, layoutName == "16x16" ? new MihLayout(16, 16) : null);
        var all = new PdqMatch[index.Count];
        for (var q = 0; q < 3; q++)
        {
            var variants = new PdqHash[8];
            for (var v = 0; v < variants.Length; v++)
            {
                variants[v] = TestHashes.Random(random);
            }

            variants[q] = TestHashes.Flip(entries[random.Next(entries.Length)], 10 + q, random);
            var expected = BruteForce(index, variants, 31);

            Assert.That(expected, Is.Not.Empty, "the query lies 10-12 bits from an entry");
            Assert.That(index.TryFindBest(variants, 31, SearchMode.Probe, out var best), Is.True);
            Assert.That(best, Is.EqualTo(BestOf(expected)));
            var count = index.FindAll(variants, 31, all, SearchMode.Probe);
            var found = all.AsSpan(0, count).ToArray();
            Array.Sort(found, (a, b) => a.Entry.CompareTo(b.Entry));
            Assert.That(found, Is.EqualTo(expected));
        }
    }

    /// <summary>Every (entry, closest variant) within the radius, by entry, computed naively.</summary>
    private static List<PdqMatch> BruteForce(PdqIndex index, PdqHash[] variants, int radius)
    {
        var matches = new List<PdqMatch>();
        for (var e = 0; e < index.Count; e++)
        {
            var hash = index.GetHash(e);
            var closest = new PdqMatch(e, int.MaxValue, -1);
            for (var v = 0; v < variants.Length; v++)
            {
                var d = hash.DistanceTo(variants[v]);
                if (d < closest.Distance)
                {
                    closest = new PdqMatch(e, d, v);
                }
            }

            if (closest.Distance <= radius)
            {
                matches.Add(closest);
            }
        }

        return matches;
    }

    private static PdqMatch BestOf(List<PdqMatch> matches)
    {
        var best = matches[0];
        foreach (var m in matches)
        {
            if (m.Distance < best.Distance)
            {
                best = m;
            }
        }

        return best;
    }
}
