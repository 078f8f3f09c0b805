using ScanProxy.Pdq;
using ScanProxy.Pdq.Decoding;
using ScanProxy.Testing;

namespace ScanProxy.EndToEnd.Tests.Tee;

/// <summary>
/// Dev photos for the tee's end-to-end tests, read from ../shared (never copied) and chosen here by their PDQ
/// quality, so that the list can match every listed one; the clean ones are checked to be far from all of them.
/// </summary>
internal static class TeePhotos
{
    private const int GoodQuality = 80;

    // Unrelated photos are about 128 bits apart; anything near the zone's MaxDistance would be a near-duplicate.
    private const int FarApart = 64;

    private static readonly Lazy<Chosen> s_chosen = new(Choose);

    /// <summary>Photos on the test list, as JPEG files.</summary>
    public static IReadOnlyList<TeePhoto> ListedJpegs => s_chosen.Value.ListedJpegs;

    /// <summary>A photo on the test list, as a PNG file.</summary>
    public static TeePhoto ListedPng => s_chosen.Value.ListedPng;

    /// <summary>Photos on no list.</summary>
    public static IReadOnlyList<TeePhoto> Clean => s_chosen.Value.Clean;

    /// <summary>The hash-list file's text: every listed photo's PDQ hash and id.</summary>
    public static string ListText() =>
        string.Join('\n', ListedJpegs.Append(ListedPng).Select(p => $"{p.Pdq},{p.Id}")) + "\n";

    private static Chosen Choose()
    {
        var listed = Good(Directory.GetFiles(TestPaths.DevCorpus, "*.jpg")).Take(5).ToArray();
        var png = Good(Directory.GetFiles(Path.Combine(TestPaths.PdqReference, "png"), "*.png")).First();
        var clean = Good(Directory.GetFiles(TestPaths.DevCorpus, "*.jpg"))
            .Where(p => listed.Append(png).All(l => p.Hash.DistanceTo(l.Hash) >= FarApart))
            .Take(3)
            .ToArray();
        return new Chosen(listed, png, clean);
    }

    // Photos of good quality, one per subject: the corpus holds edited copies under names that share a stem.
    private static IEnumerable<TeePhoto> Good(string[] files)
    {
        Array.Sort(files, StringComparer.Ordinal);
        var stems = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var id = Path.GetFileNameWithoutExtension(file);
            if (!stems.Add(id.TrimEnd("0123456789".ToCharArray())))
            {
                continue;
            }

            var bytes = File.ReadAllBytes(file);
            var result = PdqHasher.HashImage(bytes, ImageDecodeOptions.Default, dihedral: false);
            if (result.Quality >= GoodQuality)
            {
                yield return new TeePhoto(id, bytes, result.Hash);
            }
        }
    }

    private sealed record Chosen(TeePhoto[] ListedJpegs, TeePhoto ListedPng, TeePhoto[] Clean);
}

/// <summary>A dev photo: an id, its bytes, its PDQ hash.</summary>
internal sealed record TeePhoto(string Id, byte[] Bytes, PdqHash Hash)
{
    public string Pdq => Hash.ToString();
}
