namespace ScanProxy.Matching;

/// <summary>
/// An append-only list kept in fixed-size chunks, so that growing it never copies what it holds
/// (a doubling array would briefly hold two copies of a 10-million-line list).
/// </summary>
internal sealed class ChunkedList<T>
    where T : unmanaged
{
    private const int ChunkShift = 16;
    private const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;

    private readonly List<T[]> _chunks = [];

    public int Count { get; private set; }

    public ref readonly T this[int index] => ref _chunks[index >> ChunkShift][index & ChunkMask];

    public void Add(T item)
    {
        var offset = Count & ChunkMask;
        if (offset == 0)
        {
            _chunks.Add(new T[ChunkSize]);
        }

        _chunks[^1][offset] = item;
        Count++;
    }

    public void AddRange(ReadOnlySpan<T> items)
    {
        if (items.Length > int.MaxValue - Count)
        {
            throw new InvalidOperationException("A chunked list holds at most 2^31 - 1 items.");
        }

        while (!items.IsEmpty)
        {
            var offset = Count & ChunkMask;
            if (offset == 0)
            {
                _chunks.Add(new T[ChunkSize]);
            }

            var take = Math.Min(items.Length, ChunkSize - offset);
            items[..take].CopyTo(_chunks[^1].AsSpan(offset));
            items = items[take..];
            Count += take;
        }
    }

    /// <summary>Copies <paramref name="destination"/>.Length items starting at <paramref name="start"/>.</summary>
    public void CopyTo(int start, Span<T> destination)
    {
        while (!destination.IsEmpty)
        {
            var offset = start & ChunkMask;
            var take = Math.Min(destination.Length, ChunkSize - offset);
            _chunks[start >> ChunkShift].AsSpan(offset, take).CopyTo(destination);
            destination = destination[take..];
            start += take;
        }
    }

    public void Clear()
    {
        _chunks.Clear();
        Count = 0;
    }
}
