namespace ScanProxy.Matching;

/// <summary>An entry of a <see cref="PdqIndex"/> found near a query.</summary>
/// <param name="Entry">The entry number in the index (see <see cref="PdqIndex.GetIds"/>).</param>
/// <param name="Distance">The Hamming distance between the entry and the query variant.</param>
/// <param name="Variant">Which query hash matched: its position in the span passed to the search
/// (for the 8 dihedral variants, the order of SPEC §5: original, rotate 90, 180, 270, flip X, flip Y, flip +1, flip -1).</param>
public readonly record struct PdqMatch(int Entry, int Distance, int Variant);
