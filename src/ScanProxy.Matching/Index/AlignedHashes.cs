using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ScanProxy.Pdq;

namespace ScanProxy.Matching;

/// <summary>
/// The hashes of an index in pinned memory that starts on a 32-byte boundary, so that every 32-byte hash lies
/// within one cache line.
/// </summary>
/// <remarks>
/// .NET aligns array data to 8 bytes only, and the large pinned arrays of the index began at byte 56 of a cache
/// line in every run we looked at: in a <c>PdqHash[]</c> every other hash straddled two lines. A search at 10M
/// entries reads the hashes of 26,639 candidates on average (measured) from random places, so straddling cost half
/// a line more per candidate: aligned, the median 8-variant query at 10M entries was 3-12 % faster in four runs in one
/// process (benchmarks/README.md). The words are allocated with room for the shift and viewed as hashes from
/// the first 32-byte boundary; pinned memory never moves, so the boundary stays one.
/// </remarks>
internal sealed class AlignedHashes
{
    private const int WordsPerHash = 4;
    private const int Alignment = 32;

    private readonly ulong[] _words;
    private readonly int _skip;

    private AlignedHashes(ulong[] words, int skip, int length)
    {
        _words = words;
        _skip = skip;
        Length = length;
    }

    public int Length { get; }

    public Span<PdqHash> Span => MemoryMarshal.Cast<ulong, PdqHash>(_words.AsSpan(_skip, Length * WordsPerHash));

    /// <summary>The first hash (read only when there is one), for searches that index from it without bounds checks.</summary>
    public ref PdqHash First => ref Unsafe.As<ulong, PdqHash>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_words), _skip));

    /// <summary>Room for <paramref name="length"/> hashes, uninitialised.</summary>
    public static AlignedHashes Allocate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var words = LargeArrays.AllocateAligned<ulong>(length * WordsPerHash, Alignment, out var skip);
        return new AlignedHashes(words, skip, length);
    }

    /// <summary>A copy of <paramref name="hashes"/>.</summary>
    public static AlignedHashes Copy(ReadOnlySpan<PdqHash> hashes)
    {
        var copy = Allocate(hashes.Length);
        hashes.CopyTo(copy.Span);
        return copy;
    }
}
