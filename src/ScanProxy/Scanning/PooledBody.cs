using System.Buffers;

namespace ScanProxy.Scanning;

/// <summary>
/// A teed response body in one rented array. The decoders and hashes need the object contiguous, so the tee
/// rents once from the response's Content-Length when it has one (the common case for images) and only grows,
/// by doubling, for bodies of unknown length.
/// </summary>
internal sealed class PooledBody : IDisposable
{
    private const int UnknownLengthInitialSize = 64 * 1024;

    private readonly long _limit;
    private byte[]? _buffer;
    private int _length;

    /// <param name="expectedLength">The Content-Length, if known.</param>
    /// <param name="limit">The most bytes this body may hold (Scanner:MaxObjectBytes).</param>
    public PooledBody(long? expectedLength, long limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        _limit = Math.Min(limit, Array.MaxLength);
        var initial = expectedLength is > 0 ? Math.Min(expectedLength.Value, _limit) : Math.Min(UnknownLengthInitialSize, _limit);
        _buffer = ArrayPool<byte>.Shared.Rent((int)initial);
    }

    /// <summary>The bytes held so far.</summary>
    public int Length => _length;

    /// <summary>The bytes held so far.</summary>
    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, _length);

    /// <summary>The bytes held so far.</summary>
    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, _length);

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(PooledBody));

    /// <summary>Appends bytes; false (and nothing appended) when the body would pass its limit.</summary>
    public bool TryAppend(ReadOnlySpan<byte> data)
    {
        var buffer = Buffer;
        var needed = (long)_length + data.Length;
        if (needed > _limit)
        {
            return false;
        }

        if (needed > buffer.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(needed, 2L * buffer.Length), _limit));
            buffer.AsSpan(0, _length).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(buffer);
            _buffer = buffer = grown;
        }

        data.CopyTo(buffer.AsSpan(_length));
        _length = (int)needed;
        return true;
    }

    /// <summary>Returns the array to the pool.</summary>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
