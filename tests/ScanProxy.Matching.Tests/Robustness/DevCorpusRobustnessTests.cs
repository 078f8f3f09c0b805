using System.Collections.Concurrent;
using ScanProxy.Pdq;
using ScanProxy.Pdq.Decoding;
using ScanProxy.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ScanProxy.Matching.Tests.Robustness;

/// <summary>
/// Matching on real photos: the 310 dev photos are the list; edited copies of 40 of them, made here with
/// ImageSharp, must still match their original at distance 31 (with the 8 dihedral variants), and no dev photo
/// may match another.
/// </summary>
[NonParallelizable]
public class DevCorpusRobustnessTests
{
    private const int MaxDistance = 31;
    private const int MinQuality = 50;
    private const int EditedPhotos = 40;

    private static readonly (string Name, Func<Image<Rgb24>, Image<Rgb24>> Edit)[] s_edits =
    [
        ("jpeg-q30", image => image.Clone()),
        ("resize-50", image => image.Clone(x => x.Resize(Math.Max(1, image.Width / 2), Math.Max(1, image.Height / 2)))),
        ("resize-25", image => image.Clone(x => x.Resize(Math.Max(1, image.Width / 4), Math.Max(1, image.Height / 4)))),
        ("blur", image => image.Clone(x => x.GaussianBlur(2f))),
        ("brightness", image => image.Clone(x => x.Brightness(1.25f))),
        ("grayscale", image => image.Clone(x => x.Grayscale())),
        ("mirror", image => image.Clone(x => x.Flip(FlipMode.Horizontal))),
        ("rotate-90", image => image.Clone(x => x.Rotate(RotateMode.Rotate90))),
    ];

    private string[] _files = null!;
    private PdqResult[] _originals = null!;
    private PdqIndex _index = null!;

    [OneTimeSetUp]
    public void HashTheCorpus()
    {
        _files = Directory.GetFiles(TestPaths.DevCorpus, "*.jpg");
        Array.Sort(_files, StringComparer.Ordinal);
        Assert.That(_files, Has.Length.EqualTo(310), "the dev corpus");

        _originals = new PdqResult[_files.Length];
        Parallel.For(0, _files.Length, i => _originals[i] = PdqHasher.HashImage(File.ReadAllBytes(_files[i]), ImageDecodeOptions.Default, dihedral: true));
        var hashes = new PdqHash[_files.Length];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = _originals[i].Hash;
        }

        _index = PdqIndex.Create(hashes);
        Assert.That(_index.Count, Is.EqualTo(_files.Length), "no two dev photos share a hash");
    }

    [Test]
    public void No_dev_photo_lies_within_31_of_another()
    {
        var smallest = int.MaxValue;
        var smallestWithVariants = int.MaxValue;
        (string, string) closest = default;
        for (var i = 0; i < _originals.Length; i++)
        {
            for (var j = 0; j < _originals.Length; j++)
            {
                if (i == j)
                {
                    continue;
                }

                var d = _originals[i].Hash.DistanceTo(_originals[j].Hash);
                if (d < smallest && i < j)
                {
                    smallest = d;
                    closest = (Path.GetFileName(_files[i]), Path.GetFileName(_files[j]));
                }

                foreach (var variant in _originals[i].Dihedral.AsSpan())
                {
                    smallestWithVariants = Math.Min(smallestWithVariants, variant.DistanceTo(_originals[j].Hash));
                }
            }
        }

        TestContext.Out.WriteLine($"Smallest distance between distinct dev photos: {smallest} ({closest.Item1}, {closest.Item2}); " +
                                  $"with the 8 dihedral variants of one against the other: {smallestWithVariants}");
        Assert.That(smallest, Is.GreaterThan(MaxDistance));
    }

    [Test]
    public void Edited_photos_match_their_original_at_least_95_percent_of_the_time()
    {
        var chosen = new List<int>();
        for (var i = 0; i < _files.Length && chosen.Count < EditedPhotos; i += _files.Length / EditedPhotos)
        {
            if (_originals[i].Quality >= MinQuality)
            {
                chosen.Add(i);
            }
        }

        var outcomes = new ConcurrentBag<(string Edit, string File, bool Matched, int Distance)>();
        Parallel.ForEach(chosen, photo =>
        {
            using var original = Image.Load<Rgb24>(_files[photo]);
            foreach (var (name, edit) in s_edits)
            {
                using var edited = edit(original);
                var result = Hash(edited, jpegQuality: name == "jpeg-q30" ? 30 : null);
                var matched = _index.TryFindBest(result.Dihedral.AsSpan(), MaxDistance, out var match) && match.Entry == EntryOf(photo);
                outcomes.Add((name, Path.GetFileName(_files[photo]), matched && result.Quality >= MinQuality, matched ? match.Distance : -1));
            }
        });

        var total = outcomes.Count;
        var matchedCount = outcomes.Count(o => o.Matched);
        foreach (var (name, _) in s_edits)
        {
            var ofEdit = outcomes.Where(o => o.Edit == name).ToList();
            TestContext.Out.WriteLine($"{name,-11} {ofEdit.Count(o => o.Matched),3} of {ofEdit.Count} matched; " +
                                      $"largest matching distance {ofEdit.Where(o => o.Matched).Select(o => o.Distance).DefaultIfEmpty(-1).Max()}");
        }

        foreach (var miss in outcomes.Where(o => !o.Matched).OrderBy(o => o.Edit, StringComparer.Ordinal))
        {
            TestContext.Out.WriteLine($"missed: {miss.Edit} of {miss.File}");
        }

        TestContext.Out.WriteLine($"all edits: {matchedCount} of {total} matched ({100.0 * matchedCount / total:F1}%)");
        Assert.That(chosen, Has.Count.EqualTo(EditedPhotos));
        Assert.That(matchedCount, Is.GreaterThanOrEqualTo(0.95 * total));
    }

    private int EntryOf(int photo)
    {
        _index.TryFindBest([_originals[photo].Hash], 0, out var match);
        return match.Entry;
    }

    private static PdqResult Hash(Image<Rgb24> image, int? jpegQuality)
    {
        if (jpegQuality is { } quality)
        {
            using var jpeg = new MemoryStream();
            image.SaveAsJpeg(jpeg, new JpegEncoder { Quality = quality });
            return PdqHasher.HashImage(jpeg.ToArray(), ImageDecodeOptions.Default, dihedral: true);
        }

        var pixels = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(pixels);
        return PdqHasher.HashPixels(pixels, image.Width, image.Height, image.Width * 3, PdqPixelFormat.Rgb24, dihedral: true);
    }
}
