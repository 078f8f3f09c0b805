using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace ScanProxy.Pdq;

/// <summary>
/// The eight dihedral PDQ hashes of one image, indexed by <see cref="PdqVariant"/> (SPEC §5 order);
/// index 0 is the hash of the image as it is.
/// </summary>
public readonly struct PdqDihedralHashes : IEquatable<PdqDihedralHashes>
{
    /// <summary>The number of variants.</summary>
    public const int Count = 8;

    private readonly Buffer _hashes;

    internal PdqDihedralHashes(ReadOnlySpan<PdqHash> hashes)
    {
        if (hashes.Length != Count)
        {
            throw new ArgumentException($"Exactly {Count} hashes are needed.", nameof(hashes));
        }

        hashes.CopyTo(_hashes);
    }

    /// <summary>Always <see cref="Count"/> (8).</summary>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "An instance Length, as on a span, lets callers treat the hashes as a collection.")]
    public int Length => Count;

    /// <summary>The hash of variant number <paramref name="index"/> (0..7, SPEC §5 order).</summary>
    public PdqHash this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return _hashes[index];
        }
    }

    /// <summary>The hash of <paramref name="variant"/>.</summary>
    public PdqHash this[PdqVariant variant] => this[(int)variant];

    /// <summary>The eight hashes in SPEC §5 order, without copying.</summary>
    [UnscopedRef]
    public ReadOnlySpan<PdqHash> AsSpan() => _hashes;

    /// <summary>Copies the eight hashes, in SPEC §5 order, to <paramref name="destination"/>.</summary>
    public void CopyTo(Span<PdqHash> destination) => ((ReadOnlySpan<PdqHash>)_hashes).CopyTo(destination);

    /// <inheritdoc />
    public bool Equals(PdqDihedralHashes other) => AsSpan().SequenceEqual(other.AsSpan());

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PdqDihedralHashes other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _hashes[0].GetHashCode();

    /// <summary>Value equality.</summary>
    public static bool operator ==(PdqDihedralHashes left, PdqDihedralHashes right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(PdqDihedralHashes left, PdqDihedralHashes right) => !left.Equals(right);

    [InlineArray(Count)]
    private struct Buffer
    {
        private PdqHash _element0;
    }
}
