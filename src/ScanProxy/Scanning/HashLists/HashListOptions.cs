using ScanProxy.Matching;

namespace ScanProxy.Scanning.HashLists;

/// <summary>One named hash list: <c>ScanProxy:HashLists:{name}</c> (SPEC §3). Checked by <see cref="HashListConfiguration"/>.</summary>
internal sealed record HashListOptions
{
    /// <summary>The list file (SPEC §5 format); a relative path is taken from the content root (the working directory).</summary>
    public string Path { get; init; } = "";

    /// <summary>What the entries are: Pdq, Md5, Sha1 or Sha256.</summary>
    public HashListKind? Kind { get; init; }
}
