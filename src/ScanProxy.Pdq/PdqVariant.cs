namespace ScanProxy.Pdq;

/// <summary>
/// The eight dihedral variants of a PDQ hash, in the order of SPEC §5 (and of Meta's reference output).
/// The value is the variant's index in <see cref="PdqDihedralHashes"/>.
/// </summary>
public enum PdqVariant
{
    /// <summary>The image as it is.</summary>
    Original = 0,

    /// <summary>The image rotated 90 degrees counter-clockwise.</summary>
    Rotate90 = 1,

    /// <summary>The image rotated 180 degrees.</summary>
    Rotate180 = 2,

    /// <summary>The image rotated 90 degrees clockwise.</summary>
    Rotate270 = 3,

    /// <summary>The image mirrored top to bottom.</summary>
    FlipX = 4,

    /// <summary>The image mirrored left to right.</summary>
    FlipY = 5,

    /// <summary>The image transposed about its main diagonal.</summary>
    FlipPlus1 = 6,

    /// <summary>The image transposed about its anti-diagonal.</summary>
    FlipMinus1 = 7,
}
