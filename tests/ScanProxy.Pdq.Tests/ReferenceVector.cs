using ScanProxy.Pdq;
using ScanProxy.Testing;

namespace ScanProxy.Pdq.Tests;

/// <summary>One row of a <c>*-fullres.csv</c> file in ../shared/pdq-reference: Meta's reference output for one image.</summary>
public sealed record ReferenceVector(
    string File,
    string ImagePath,
    IReadOnlyList<PdqHash> Dihedral,
    int Quality,
    int Width,
    int Height,
    IReadOnlyDictionary<string, string> Extra)
{
    public PdqHash Hash => Dihedral[0];

    public override string ToString() => File;

    /// <summary>Reads a CSV; <paramref name="imageDirectory"/> is where the <c>file</c> column is relative to.</summary>
    internal static IReadOnlyList<ReferenceVector> Load(string csvRelativePath, string? imageDirectory = null)
    {
        var csvPath = Path.Combine(TestPaths.PdqReference, csvRelativePath);
        var baseDirectory = imageDirectory ?? Path.GetDirectoryName(csvPath)!;
        var lines = System.IO.File.ReadAllLines(csvPath);
        var header = SplitCsv(lines[0]);
        var vectors = new List<ReferenceVector>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var fields = SplitCsv(line);
            var row = header.Zip(fields).ToDictionary(p => p.First, p => p.Second);
            string[] hashColumns = ["pdq_hex", "pdq_rot90", "pdq_rot180", "pdq_rot270", "pdq_flipx", "pdq_flipy", "pdq_flipplus1", "pdq_flipminus1"];
            vectors.Add(new ReferenceVector(
                row["file"],
                Path.Combine(baseDirectory, row["file"]),
                hashColumns.Select(c => PdqHash.Parse(row[c])).ToArray(),
                int.Parse(row["quality"], System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(row["width"], System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(row["height"], System.Globalization.CultureInfo.InvariantCulture),
                row));
        }

        return vectors;
    }

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        return fields;
    }
}
