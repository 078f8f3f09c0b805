namespace ScanProxy.Pdq;

/// <summary>The PDQ hash of one image, its quality and, when asked for, its eight dihedral hashes.</summary>
public readonly struct PdqResult
{
    internal PdqResult(PdqHash hash, int quality, int width, int height)
    {
        Hash = hash;
        Quality = quality;
        Width = width;
        Height = height;
    }

    internal PdqResult(in PdqDihedralHashes dihedral, int quality, int width, int height)
    {
        Hash = dihedral[0];
        Quality = quality;
        Width = width;
        Height = height;
        Dihedral = dihedral;
        HasDihedral = true;
    }

    /// <summary>The hash of the image as it is.</summary>
    public PdqHash Hash { get; }

    /// <summary>Meta's quality score, 0..100; Meta suggests discarding hashes below 50.</summary>
    public int Quality { get; }

    /// <summary>
    /// The eight dihedral hashes in SPEC §5 order (index 0 equals <see cref="Hash"/>);
    /// all zero unless <see cref="HasDihedral"/>.
    /// </summary>
    public PdqDihedralHashes Dihedral { get; }

    /// <summary>Whether <see cref="Dihedral"/> was computed.</summary>
    public bool HasDihedral { get; }

    /// <summary>The width of the hashed image in pixels.</summary>
    public int Width { get; }

    /// <summary>The height of the hashed image in pixels.</summary>
    public int Height { get; }
}
