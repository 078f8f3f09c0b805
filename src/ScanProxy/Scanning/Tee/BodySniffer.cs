using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using ScanProxy.Pdq.Decoding;

namespace ScanProxy.Scanning.Tee;

/// <summary>
/// Recognises an image from the first bytes of a response body as they are written, across writes of any size,
/// whatever the Content-Type says (SPEC §4). Without a Content-Encoding it holds at most
/// <see cref="ImageFormatSniffer.HeaderLength"/> bytes, inline; with one it holds up to
/// <see cref="MaxEncodedPrefix"/> encoded bytes in a pooled array and decodes just enough of them to see the
/// object's first bytes.
/// </summary>
/// <remarks>A mutable struct kept in a field of its owner, so that sniffing allocates nothing for the common case.</remarks>
internal struct BodySniffer : IDisposable
{
    /// <summary>
    /// Encoded bytes enough for the first decoded bytes of any plausible stream: a gzip header with a file name, a
    /// dynamic Huffman table, the first literals. A stream that needs more is not sniffed as an image.
    /// </summary>
    internal const int MaxEncodedPrefix = 4096;

    // Decoding is retried at doubling prefix lengths, so tiny writes do not decode the same bytes over and over.
    private const int FirstDecodeAttempt = 64;

    private readonly ContentCoding _coding;
    private HeaderBuffer _header;
    private byte[]? _encoded;
    private int _length;
    private int _nextAttempt;

    public BodySniffer(ContentCoding coding)
    {
        _coding = coding;
        _nextAttempt = FirstDecodeAttempt;
    }

    /// <summary>Whether the bytes seen so far decided it.</summary>
    public SniffState State { get; private set; }

    /// <summary>The image format, once <see cref="State"/> is <see cref="SniffState.Image"/>.</summary>
    public ImageKind Kind { get; private set; }

    /// <summary>The bytes taken in by <see cref="Append"/> so far, as they came (still encoded).</summary>
    [UnscopedRef]
    public ReadOnlySpan<byte> Prefix => _coding == ContentCoding.Identity ? ((ReadOnlySpan<byte>)_header)[.._length] : _encoded.AsSpan(0, _length);

    /// <summary>
    /// Takes in the next bytes of the body. <paramref name="consumed"/> says how many of them were kept in
    /// <see cref="Prefix"/>; the rest were only looked at. Once decided, it takes in nothing more.
    /// </summary>
    public SniffState Append(ReadOnlySpan<byte> data, out int consumed)
    {
        consumed = 0;
        if (State != SniffState.Undecided)
        {
            return State;
        }

        switch (_coding)
        {
            case ContentCoding.Identity:
                if (_length == 0 && data.Length >= ImageFormatSniffer.HeaderLength)
                {
                    // The usual case: the first write holds the whole signature; nothing needs keeping.
                    return Decide(ImageFormatSniffer.Detect(data));
                }

                consumed = Math.Min(ImageFormatSniffer.HeaderLength - _length, data.Length);
                data[..consumed].CopyTo(((Span<byte>)_header)[_length..]);
                _length += consumed;
                return _length == ImageFormatSniffer.HeaderLength ? Decide(ImageFormatSniffer.Detect(_header)) : SniffState.Undecided;

            case ContentCoding.Unsupported:
                return Decide(ImageKind.Unknown);

            default:
                _encoded ??= ArrayPool<byte>.Shared.Rent(MaxEncodedPrefix);
                consumed = Math.Min(MaxEncodedPrefix - _length, data.Length);
                data[..consumed].CopyTo(_encoded.AsSpan(_length));
                _length += consumed;
                if (_length < _nextAttempt && _length < MaxEncodedPrefix)
                {
                    return SniffState.Undecided;
                }

                _nextAttempt = _length * 2;
                return DecodeAndDetect(final: _length == MaxEncodedPrefix);
        }
    }

    /// <summary>The body ended: decides on what there is.</summary>
    public SniffState Finish()
    {
        if (State != SniffState.Undecided)
        {
            return State;
        }

        return _coding switch
        {
            ContentCoding.Identity => Decide(ImageFormatSniffer.Detect(Prefix)),
            ContentCoding.Unsupported => Decide(ImageKind.Unknown),
            _ => DecodeAndDetect(final: true),
        };
    }

    /// <summary>Returns the pooled array, if any.</summary>
    public void Dispose()
    {
        if (_encoded is { } encoded)
        {
            _encoded = null;
            _length = 0;
            ArrayPool<byte>.Shared.Return(encoded);
        }
    }

    private SniffState DecodeAndDetect(bool final)
    {
        Span<byte> decoded = stackalloc byte[ImageFormatSniffer.HeaderLength];
        if (!EncodedPrefix.TryDecode(_coding, _encoded!, _length, decoded, out var written))
        {
            return Decide(ImageKind.Unknown);
        }

        return written == decoded.Length || final ? Decide(ImageFormatSniffer.Detect(decoded[..written])) : SniffState.Undecided;
    }

    private SniffState Decide(ImageKind kind)
    {
        Kind = kind;
        State = kind == ImageKind.Unknown ? SniffState.NotImage : SniffState.Image;
        return State;
    }

    [InlineArray(ImageFormatSniffer.HeaderLength)]
    private struct HeaderBuffer
    {
        private byte _element;
    }
}
