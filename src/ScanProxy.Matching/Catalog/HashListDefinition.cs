namespace ScanProxy.Matching;

/// <summary>A named hash list: where its file is and what it holds.</summary>
/// <param name="Name">The name zones use to subscribe to the list.</param>
/// <param name="Path">The list file (SPEC §5 format).</param>
/// <param name="Kind">The kind of its entries.</param>
public sealed record HashListDefinition(string Name, string Path, HashListKind Kind);
