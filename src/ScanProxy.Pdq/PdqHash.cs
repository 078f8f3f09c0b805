using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.InteropServices;

namespace ScanProxy.Pdq;

/// <summary>
/// A 256-bit PDQ hash. Bit <c>k = 16*u + v</c> is DCT cell (row u, column v); <see cref="W0"/> holds bits 0-63.
/// The text form is Meta's: 64 lower-case hex digits of the hash read as one big-endian 256-bit integer,
/// so the last digit holds bits 0-3.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct PdqHash : IEquatable<PdqHash>, ISpanFormattable, ISpanParsable<PdqHash>
{
    /// <summary>The number of bits in a PDQ hash.</summary>
    public const int Bits = 256;

    /// <summary>The length of the hex form.</summary>
    public const int HexLength = 64;

    /// <summary>Creates a hash from its four 64-bit words, least significant (bits 0-63) first.</summary>
    public PdqHash(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        W0 = w0;
        W1 = w1;
        W2 = w2;
        W3 = w3;
    }

    /// <summary>Bits 0-63 (DCT rows 0-3).</summary>
    public ulong W0 { get; }

    /// <summary>Bits 64-127 (DCT rows 4-7).</summary>
    public ulong W1 { get; }

    /// <summary>Bits 128-191 (DCT rows 8-11).</summary>
    public ulong W2 { get; }

    /// <summary>Bits 192-255 (DCT rows 12-15).</summary>
    public ulong W3 { get; }

    /// <summary>The all-zero hash, which PDQ gives images too small to hash.</summary>
    public static PdqHash Zero => default;

    /// <summary>Returns bit <paramref name="index"/> (0..255).</summary>
    public bool this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Bits);
            var word = (index >> 6) switch { 0 => W0, 1 => W1, 2 => W2, _ => W3 };
            return ((word >> (index & 63)) & 1) != 0;
        }
    }

    /// <summary>The Hamming distance: the number of bits in which the two hashes differ.</summary>
    public int DistanceTo(in PdqHash other) =>
        BitOperations.PopCount(W0 ^ other.W0) + BitOperations.PopCount(W1 ^ other.W1) +
        BitOperations.PopCount(W2 ^ other.W2) + BitOperations.PopCount(W3 ^ other.W3);

    /// <summary>The Hamming distance between two hashes.</summary>
    public static int Distance(in PdqHash a, in PdqHash b) => a.DistanceTo(b);

    /// <summary>The 16-bit word holding DCT row <paramref name="row"/> (0..15).</summary>
    public ushort GetRow(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(row, 15);
        var word = (row >> 2) switch { 0 => W0, 1 => W1, 2 => W2, _ => W3 };
        return (ushort)(word >> ((row & 3) * 16));
    }

    /// <summary>Builds a hash from sixteen 16-bit row words, row 0 first.</summary>
    public static PdqHash FromRows(ReadOnlySpan<ushort> rows)
    {
        if (rows.Length != 16)
        {
            throw new ArgumentException("A PDQ hash has exactly 16 rows.", nameof(rows));
        }

        Span<ulong> words = stackalloc ulong[4];
        for (var r = 0; r < 16; r++)
        {
            words[r >> 2] |= (ulong)rows[r] << ((r & 3) * 16);
        }

        return new PdqHash(words[0], words[1], words[2], words[3]);
    }

    /// <summary>Parses Meta's 64-digit hex form (either case).</summary>
    /// <exception cref="FormatException">The text is not 64 hex digits.</exception>
    public static PdqHash Parse(ReadOnlySpan<char> hex)
    {
        if (!TryParse(hex, out var hash))
        {
            throw new FormatException($"A PDQ hash is {HexLength} hex digits; got '{Truncate(hex)}'.");
        }

        return hash;
    }

    /// <summary>Parses Meta's 64-digit hex form (either case).</summary>
    public static PdqHash Parse(string s) => Parse(s.AsSpan());

    /// <summary>Tries to parse Meta's 64-digit hex form (either case).</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out PdqHash hash)
    {
        hash = default;
        if (hex.Length != HexLength)
        {
            return false;
        }

        // The first digit is the most significant: word 3 comes first in the text.
        if (!TryParseWord(hex[..16], out var w3) || !TryParseWord(hex[16..32], out var w2) ||
            !TryParseWord(hex[32..48], out var w1) || !TryParseWord(hex[48..], out var w0))
        {
            return false;
        }

        hash = new PdqHash(w0, w1, w2, w3);
        return true;
    }

    /// <summary>Tries to parse Meta's 64-digit hex form from ASCII bytes (either case).</summary>
    public static bool TryParse(ReadOnlySpan<byte> hexUtf8, out PdqHash hash)
    {
        hash = default;
        if (hexUtf8.Length != HexLength)
        {
            return false;
        }

        Span<char> chars = stackalloc char[HexLength];
        for (var i = 0; i < HexLength; i++)
        {
            chars[i] = (char)hexUtf8[i];
        }

        return TryParse(chars, out hash);
    }

    private static bool TryParseWord(ReadOnlySpan<char> digits, out ulong value)
    {
        value = 0;
        foreach (var c in digits)
        {
            var nibble = HexValue(c);
            if (nibble < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)nibble;
        }

        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>Writes Meta's 64-digit lower-case hex form.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        if (destination.Length < HexLength)
        {
            charsWritten = 0;
            return false;
        }

        WriteWord(W3, destination[..16]);
        WriteWord(W2, destination[16..32]);
        WriteWord(W1, destination[32..48]);
        WriteWord(W0, destination[48..64]);
        charsWritten = HexLength;
        return true;
    }

    private static void WriteWord(ulong word, Span<char> destination)
    {
        for (var i = 15; i >= 0; i--)
        {
            destination[i] = "0123456789abcdef"[(int)(word & 0xF)];
            word >>= 4;
        }
    }

    /// <summary>Meta's 64-digit lower-case hex form.</summary>
    public override string ToString() => string.Create(HexLength, this, static (span, hash) => hash.TryFormat(span, out _));

    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();

    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        TryFormat(destination, out charsWritten);

    static PdqHash ISpanParsable<PdqHash>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    static bool ISpanParsable<PdqHash>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out PdqHash result) => TryParse(s, out result);

    static PdqHash IParsable<PdqHash>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<PdqHash>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out PdqHash result)
    {
        result = default;
        return s is not null && TryParse(s.AsSpan(), out result);
    }

    /// <inheritdoc />
    public bool Equals(PdqHash other) => W0 == other.W0 && W1 == other.W1 && W2 == other.W2 && W3 == other.W3;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PdqHash other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(W0, W1, W2, W3);

    /// <summary>Value equality.</summary>
    public static bool operator ==(PdqHash left, PdqHash right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(PdqHash left, PdqHash right) => !left.Equals(right);

    private static string Truncate(ReadOnlySpan<char> text) => text.Length <= 80 ? text.ToString() : string.Concat(text[..77], "...");
}
