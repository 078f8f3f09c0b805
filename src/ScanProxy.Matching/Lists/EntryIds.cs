using System.Text;

namespace ScanProxy.Matching;

/// <summary>
/// The ids of the folded entries of a list: one UTF-8 blob and one end offset per entry. The ids of an entry
/// folded from several lines are joined with ',' (an id is a CSV field, so it never holds one).
/// An entry whose lines carried no id has none here; its id is then its own hex.
/// </summary>
internal sealed class EntryIds
{
    private readonly byte[] _blob;
    private readonly int[] _ends;

    private EntryIds(byte[] blob, int[] ends)
    {
        _blob = blob;
        _ends = ends;
    }

    public long MemoryBytes => _blob.LongLength + (4L * _ends.LongLength);

    /// <summary>The ids of <paramref name="entry"/> in line order; empty when none was written.</summary>
    public string[] Get(int entry)
    {
        var span = Span(entry);
        if (span.IsEmpty)
        {
            return [];
        }

        var count = span.Count((byte)',') + 1;
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            var comma = span.IndexOf((byte)',');
            var id = comma < 0 ? span : span[..comma];
            ids[i] = Encoding.UTF8.GetString(id);
            span = comma < 0 ? [] : span[(comma + 1)..];
        }

        return ids;
    }

    /// <summary>The first id of <paramref name="entry"/>, or null when none was written.</summary>
    public string? GetFirst(int entry)
    {
        var span = Span(entry);
        if (span.IsEmpty)
        {
            return null;
        }

        var comma = span.IndexOf((byte)',');
        return Encoding.UTF8.GetString(comma < 0 ? span : span[..comma]);
    }

    private ReadOnlySpan<byte> Span(int entry)
    {
        var start = entry == 0 ? 0 : _ends[entry - 1];
        return _blob.AsSpan(start, _ends[entry] - start);
    }

    /// <summary>Builds the ids entry by entry; the size is known in advance from a counting pass.</summary>
    public sealed class Builder
    {
        private readonly byte[] _blob;
        private readonly int[] _ends;
        private int _entry;
        private int _length;
        private bool _entryHasId;

        public Builder(int entries, long bytes)
        {
            if (bytes > Array.MaxLength)
            {
                throw new InvalidOperationException("The ids of one hash list may take at most 2 GiB.");
            }

            _blob = new byte[bytes];
            _ends = new int[entries];
        }

        /// <summary>Adds the id of one more line of the current entry; an empty id adds nothing.</summary>
        public void AddId(RawIds ids, int line)
        {
            var length = ids.Length(line);
            if (length == 0)
            {
                return;
            }

            if (_entryHasId)
            {
                _blob[_length++] = (byte)',';
            }

            ids.CopyTo(line, _blob.AsSpan(_length, length));
            _length += length;
            _entryHasId = true;
        }

        /// <summary>Closes the current entry and starts the next.</summary>
        public void EndEntry()
        {
            _ends[_entry++] = _length;
            _entryHasId = false;
        }

        public EntryIds Build()
        {
            if (_entry != _ends.Length || _length != _blob.Length)
            {
                throw new InvalidOperationException("The id counting pass and the building pass disagree.");
            }

            return new EntryIds(_blob, _ends);
        }
    }
}
