using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace ScanProxy.Scanning;

/// <summary>
/// The objects this node has judged, by digest, bounded to <see cref="ScannerOptions.VerdictCacheCapacity"/>. Two
/// generations: new objects go into the young one; when it is full it becomes the old one and the previous old one
/// is dropped whole. An object found in the old generation is moved back into the young one, so the objects still
/// being served survive and the cache never holds more than its capacity. Lookups take no lock.
/// </summary>
internal sealed class VerdictCache
{
    private readonly int _generationSize;
    private readonly Lock _rotate = new();
    private volatile Generation _young;
    private volatile Generation _old;

    /// <param name="capacity">The most objects held; 0 holds none.</param>
    public VerdictCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _generationSize = capacity / 2;
        _young = new Generation();
        _old = new Generation();
    }

    /// <summary>The number of objects held now.</summary>
    public int Count => _young.Count + _old.Count;

    /// <summary>What is known about the object with this digest.</summary>
    public bool TryGet(in ObjectDigest digest, [NotNullWhen(true)] out ScannedObject? scanned)
    {
        if (_young.Items.TryGetValue(digest, out scanned))
        {
            return true;
        }

        if (_old.Items.TryGetValue(digest, out scanned))
        {
            Set(digest, scanned);
            return true;
        }

        return false;
    }

    /// <summary>Records (or replaces) what is known about the object with this digest.</summary>
    public void Set(in ObjectDigest digest, ScannedObject scanned)
    {
        if (_generationSize == 0)
        {
            return;
        }

        var young = _young;
        if (young.Set(digest, scanned) && young.Count >= _generationSize)
        {
            lock (_rotate)
            {
                if (ReferenceEquals(young, _young))
                {
                    _old = young;
                    _young = new Generation();
                }
            }
        }
    }

    private sealed class Generation
    {
        private int _count;

        public ConcurrentDictionary<ObjectDigest, ScannedObject> Items { get; } = new();

        // ConcurrentDictionary.Count takes every lock; this counter does not.
        public int Count => Volatile.Read(ref _count);

        /// <summary>True when the digest is new to this generation.</summary>
        public bool Set(in ObjectDigest digest, ScannedObject scanned)
        {
            if (Items.TryAdd(digest, scanned))
            {
                Interlocked.Increment(ref _count);
                return true;
            }

            Items[digest] = scanned;
            return false;
        }
    }
}
