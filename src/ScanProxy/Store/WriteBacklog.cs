using StackExchange.Redis;

namespace ScanProxy.Store;

/// <summary>
/// Writes made while the server was unreachable, in the order they were made, kept in process memory until
/// they can be written. While it holds anything, new writes join its end, so the order survives the outage.
/// </summary>
internal sealed class WriteBacklog
{
    private readonly Queue<Func<IDatabase, Task<bool>>> _writes = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _emptied = NewCompletedSource();

    /// <summary>Writes waiting.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _writes.Count;
            }
        }
    }

    /// <summary>Completes when the backlog is next empty.</summary>
    public Task WhenEmpty
    {
        get
        {
            lock (_lock)
            {
                return _emptied.Task;
            }
        }
    }

    /// <summary>
    /// Adds the write when it must wait: the server is not connected or earlier writes are still waiting.
    /// False when the caller may write directly.
    /// </summary>
    public bool AddIfMustWait(Func<IDatabase, Task<bool>> write, bool connected)
    {
        lock (_lock)
        {
            if (connected && _writes.Count == 0)
            {
                return false;
            }

            AddLocked(write);
            return true;
        }
    }

    /// <summary>Adds a write that failed for want of a connection.</summary>
    public void Add(Func<IDatabase, Task<bool>> write)
    {
        lock (_lock)
        {
            AddLocked(write);
        }
    }

    /// <summary>The oldest write, left in place until <see cref="RemoveOldest"/> says it was written.</summary>
    public bool TryPeekOldest(out Func<IDatabase, Task<bool>> write)
    {
        lock (_lock)
        {
            return _writes.TryPeek(out write!);
        }
    }

    /// <summary>Removes the oldest write once it is written.</summary>
    public void RemoveOldest()
    {
        lock (_lock)
        {
            _writes.Dequeue();
            if (_writes.Count == 0)
            {
                _emptied.TrySetResult();
            }
        }
    }

    private void AddLocked(Func<IDatabase, Task<bool>> write)
    {
        if (_writes.Count == 0)
        {
            _emptied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _writes.Enqueue(write);
    }

    private static TaskCompletionSource NewCompletedSource()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }
}
