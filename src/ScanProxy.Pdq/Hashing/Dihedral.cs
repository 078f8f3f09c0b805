namespace ScanProxy.Pdq.Hashing;

/// <summary>
/// The DCT block of a rotated or mirrored image, derived from the original block alone: the cosine basis is even or
/// odd about the centre, so each symmetry only transposes the block and flips the signs of odd frequencies.
/// </summary>
internal static class Dihedral
{
    /// <summary>
    /// The variant whose block holds the same 256 values as <paramref name="variant"/>'s, and so has the same median: a
    /// transpose only moves values, so each transposed variant shares its median with the untransposed one of the
    /// same sign pattern. Four sorts then serve all eight hashes.
    /// </summary>
    public static PdqVariant MedianSource(PdqVariant variant) => variant switch
    {
        PdqVariant.FlipPlus1 => PdqVariant.Original,
        PdqVariant.FlipMinus1 => PdqVariant.Rotate180,
        PdqVariant.Rotate90 => PdqVariant.FlipY,
        PdqVariant.Rotate270 => PdqVariant.FlipX,
        _ => variant,
    };

    /// <summary>Writes the block of <paramref name="variant"/> (README step 7) to <paramref name="destination"/>.</summary>
    public static void Transform(ReadOnlySpan<float> b, PdqVariant variant, Span<float> destination)
    {
        const int n = Dct.Size;
        for (var p = 0; p < n; p++)
        {
            for (var q = 0; q < n; q++)
            {
                var value = b[p * n + q];
                var pOdd = (p & 1) != 0;
                var qOdd = (q & 1) != 0;
                var sumOdd = ((p + q) & 1) != 0;
                switch (variant)
                {
                    case PdqVariant.Original:
                        destination[p * n + q] = value;
                        break;
                    case PdqVariant.Rotate90:
                        destination[q * n + p] = qOdd ? value : -value;
                        break;
                    case PdqVariant.Rotate180:
                        destination[p * n + q] = sumOdd ? -value : value;
                        break;
                    case PdqVariant.Rotate270:
                        destination[q * n + p] = pOdd ? value : -value;
                        break;
                    case PdqVariant.FlipX:
                        destination[p * n + q] = pOdd ? value : -value;
                        break;
                    case PdqVariant.FlipY:
                        destination[p * n + q] = qOdd ? value : -value;
                        break;
                    case PdqVariant.FlipPlus1:
                        destination[q * n + p] = value;
                        break;
                    case PdqVariant.FlipMinus1:
                        destination[q * n + p] = sumOdd ? -value : value;
                        break;
                    default:
                        throw new ArgumentOutOfRangeException(nameof(variant), variant, "Not a PDQ variant.");
                }
            }
        }
    }
}
