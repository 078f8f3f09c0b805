using System.Globalization;
using ScanProxy.Pdq;

namespace ScanProxy.Benchmarks.Scanning;

/// <summary>
/// From the output of <c>scanproxy hash --dihedral</c> (eight hashes, quality, path per line), picks <c>--count</c>
/// photos spread over the corpus whose quality a zone accepts: their original hashes become the PDQ list. Every other
/// photo none of whose eight hashes is within <c>--max-distance</c> of a listed hash is a source for the load of new
/// images, so the load itself never matches (near-duplicates in the corpus would otherwise be blocked too).
/// </summary>
internal static class ListPicker
{
    private const int Variants = 8;

    public static int Run(IReadOnlyDictionary<string, string> options)
    {
        var count = ScanningTool.Int(options, "count", 20);
        var minQuality = ScanningTool.Int(options, "min-quality", 50);
        var maxDistance = ScanningTool.Int(options, "max-distance", 31);
        var photos = Read(ScanningTool.Required(options, "hashes"));

        var eligible = new List<int>();
        for (var i = 0; i < photos.Count; i++)
        {
            if (photos[i].Quality >= minQuality)
            {
                eligible.Add(i);
            }
        }

        if (eligible.Count < count)
        {
            Console.Error.WriteLine($"only {eligible.Count} photos have quality >= {minQuality}; {count} asked for");
            return 1;
        }

        var listed = new HashSet<int>();
        for (var k = 0; k < count; k++)
        {
            listed.Add(eligible[(int)((long)k * eligible.Count / count)]);
        }

        using (var list = new StreamWriter(ScanningTool.Required(options, "list")))
        using (var listedPaths = new StreamWriter(ScanningTool.Required(options, "listed")))
        {
            list.WriteLine("# PDQ hashes of the listed benchmark photos");
            foreach (var i in listed.Order())
            {
                list.WriteLine($"{photos[i].Hashes[0]},listed-{i}");
                listedPaths.WriteLine(photos[i].Path);
            }
        }

        var sources = 0;
        var near = 0;
        using (var sourcePaths = new StreamWriter(ScanningTool.Required(options, "sources")))
        {
            for (var i = 0; i < photos.Count; i++)
            {
                if (listed.Contains(i))
                {
                    continue;
                }

                if (IsNear(photos[i], photos, listed, maxDistance))
                {
                    near++;
                    continue;
                }

                sourcePaths.WriteLine(photos[i].Path);
                sources++;
            }
        }

        Console.WriteLine($"{photos.Count} photos: {listed.Count} listed, {sources} load sources, {near} left out (within {maxDistance} bits of a listed photo)");
        return 0;
    }

    private static bool IsNear(Photo photo, List<Photo> photos, HashSet<int> listed, int maxDistance)
    {
        foreach (var i in listed)
        {
            foreach (var hash in photo.Hashes)
            {
                if (hash.DistanceTo(photos[i].Hashes[0]) <= maxDistance)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static List<Photo> Read(string file)
    {
        var photos = new List<Photo>();
        foreach (var line in File.ReadLines(file))
        {
            if (line.Length == 0)
            {
                continue;
            }

            // Eight hashes, the quality, then the path (which may itself hold commas).
            var fields = line.Split(',', Variants + 2);
            if (fields.Length != Variants + 2)
            {
                throw new FormatException($"not a line of 'scanproxy hash --dihedral': {line}");
            }

            var hashes = new PdqHash[Variants];
            for (var v = 0; v < Variants; v++)
            {
                hashes[v] = PdqHash.Parse(fields[v]);
            }

            photos.Add(new Photo(hashes, int.Parse(fields[Variants], CultureInfo.InvariantCulture), fields[Variants + 1]));
        }

        return photos;
    }

    private sealed record Photo(PdqHash[] Hashes, int Quality, string Path);
}
