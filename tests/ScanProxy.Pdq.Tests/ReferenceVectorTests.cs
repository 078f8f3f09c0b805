using ScanProxy.Pdq;
using ScanProxy.Pdq.Decoding;

namespace ScanProxy.Pdq.Tests;

/// <summary>The engine against Meta's reference output (../shared/pdq-reference, full-resolution variant).</summary>
public class ReferenceVectorTests
{
    private static readonly string[] s_variantNames = ["pdq_hex", "pdq_rot90", "pdq_rot180", "pdq_rot270", "pdq_flipx", "pdq_flipy", "pdq_flipplus1", "pdq_flipminus1"];

    private static IEnumerable<TestCaseData> DevPngRows() =>
        ReferenceVector.Load("dev-png-fullres.csv").Select(v => new TestCaseData(v).SetArgDisplayNames(v.File));

    private static IEnumerable<TestCaseData> SyntheticRows() =>
        ReferenceVector.Load("synthetic-fullres.csv").Select(v => new TestCaseData(v).SetArgDisplayNames(v.File));

    /// <summary>The PNG test images shipped with ThreatExchange (bilevel, gray, gray+alpha, palette, RGBA): decoder-independent.</summary>
    private static IEnumerable<TestCaseData> ThreatExchangePngRows() =>
        ReferenceVector.Load(Path.Combine("threatexchange-testdata", "reference-hashes-fullres.csv"))
            .Where(v => v.Extra["copied"] == "yes" && v.File.EndsWith(".png", StringComparison.Ordinal))
            .Select(v => new TestCaseData(v).SetArgDisplayNames(v.File));

    [TestCaseSource(nameof(DevPngRows))]
    public void Dev_png_hash_quality_and_all_eight_dihedral_hashes_are_bit_exact(ReferenceVector vector)
    {
        AssertExact(vector, Hash(vector));
    }

    [TestCaseSource(nameof(SyntheticRows))]
    public void Synthetic_png_hash_quality_and_all_eight_dihedral_hashes_are_bit_exact(ReferenceVector vector)
    {
        AssertExact(vector, Hash(vector));
    }

    [TestCaseSource(nameof(ThreatExchangePngRows))]
    public void ThreatExchange_png_hash_quality_and_all_eight_dihedral_hashes_are_bit_exact(ReferenceVector vector)
    {
        AssertExact(vector, Hash(vector));
    }

    [Test]
    public void Every_reference_csv_row_set_is_present()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DevPngRows().Count(), Is.EqualTo(40));
            Assert.That(SyntheticRows().Count(), Is.EqualTo(19));
            Assert.That(ThreatExchangePngRows().Count(), Is.EqualTo(7));
        });
    }

    internal static PdqResult Hash(ReferenceVector vector) =>
        PdqHasher.HashImage(File.ReadAllBytes(vector.ImagePath), ImageDecodeOptions.Default, dihedral: true);

    internal static void AssertExact(ReferenceVector vector, PdqResult result)
    {
        Assert.Multiple(() =>
        {
            Assert.That((result.Width, result.Height), Is.EqualTo((vector.Width, vector.Height)), "decoded size");
            Assert.That(result.Quality, Is.EqualTo(vector.Quality), "quality");
            Assert.That(result.HasDihedral, Is.True);
            for (var v = 0; v < PdqDihedralHashes.Count; v++)
            {
                Assert.That(
                    result.Dihedral[v].ToString(),
                    Is.EqualTo(vector.Dihedral[v].ToString()),
                    $"{s_variantNames[v]}: {result.Dihedral[v].DistanceTo(vector.Dihedral[v])} bits off");
            }
        });
    }
}
