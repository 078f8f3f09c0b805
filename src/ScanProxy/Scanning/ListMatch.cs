using ScanProxy.Matching;
using ScanProxy.Pdq;

namespace ScanProxy.Scanning;

/// <summary>The best entry of a zone's lists that an object matched.</summary>
/// <param name="List">The list's name.</param>
/// <param name="Kind">The list's kind.</param>
/// <param name="EntryId">The entry's id in the list.</param>
/// <param name="Distance">The PDQ Hamming distance (0 for exact lists).</param>
/// <param name="Variant">Which dihedral variant matched, for a PDQ list.</param>
internal readonly record struct ListMatch(string List, HashListKind Kind, string EntryId, int Distance, PdqVariant? Variant);
