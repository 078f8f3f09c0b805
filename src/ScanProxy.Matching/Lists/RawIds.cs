namespace ScanProxy.Matching;

/// <summary>The id fields of the entry lines of a file, in line order, kept compactly until the entries are folded.</summary>
internal sealed class RawIds
{
    private readonly ChunkedList<byte> _bytes = new();
    private readonly ChunkedList<int> _ends = new();

    public int Count => _ends.Count;

    /// <summary>Whether any line had an id.</summary>
    public bool Any => _bytes.Count > 0;

    public void Add(ReadOnlySpan<byte> id)
    {
        if (id.Length > int.MaxValue - _bytes.Count)
        {
            throw new InvalidOperationException("The ids of one hash list may take at most 2 GiB.");
        }

        _bytes.AddRange(id);
        _ends.Add(_bytes.Count);
    }

    public int Length(int line) => _ends[line] - Start(line);

    public void CopyTo(int line, Span<byte> destination) => _bytes.CopyTo(Start(line), destination[..Length(line)]);

    public void Clear()
    {
        _bytes.Clear();
        _ends.Clear();
    }

    private int Start(int line) => line == 0 ? 0 : _ends[line - 1];
}
