namespace ScanProxy.Benchmarks.Pdq;

/// <summary>The 310 dev photos in ../shared/corpus/dev beside the repository.</summary>
internal static class DevCorpus
{
    public static string Directory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "corpus", "dev");
                if (System.IO.Directory.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "shared", "pdq-reference", "README.md")))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException($"shared/corpus/dev not found above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>The encoded JPEGs, sorted by name.</summary>
    public static byte[][] LoadJpegs() =>
        System.IO.Directory.GetFiles(Directory, "*.jpg").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
}
