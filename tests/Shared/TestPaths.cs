namespace ScanProxy.Testing;

/// <summary>Where the repository and the shared test data (../shared beside the repository) are.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> s_repositoryRoot = new(FindRepositoryRoot);

    /// <summary>The folder holding ScanProxy.sln.</summary>
    public static string RepositoryRoot => s_repositoryRoot.Value;

    /// <summary>../shared beside the repository.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    /// <summary>The 310 dev photos.</summary>
    public static string DevCorpus => Path.Combine(Shared, "corpus", "dev");

    /// <summary>Meta's reference hashes and the PNG vectors.</summary>
    public static string PdqReference => Path.Combine(Shared, "pdq-reference");

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ScanProxy.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"ScanProxy.sln not found above {AppContext.BaseDirectory}.");
    }
}
