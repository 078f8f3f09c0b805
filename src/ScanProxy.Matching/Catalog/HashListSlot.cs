namespace ScanProxy.Matching;

/// <summary>One named list in the catalog: the version in force, its status, and the reload machinery.</summary>
internal sealed class HashListSlot : IDisposable
{
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private volatile HashList? _current;
    private volatile HashListStatus _status;
    private ITimer? _debounce;

    public HashListSlot(HashListDefinition definition, string fullPath)
    {
        Definition = definition;
        FullPath = fullPath;
        _status = new HashListStatus(definition.Name, definition.Path, definition.Kind, 0, null, null, null, null);
    }

    public HashListDefinition Definition { get; }

    public string FullPath { get; }

    /// <summary>The version in force; replaced whole, never changed in place.</summary>
    public HashList? Current => _current;

    public HashListStatus Status => _status;

    public SemaphoreSlim ReloadGate => _reloadGate;

    public void Loaded(HashList list, DateTimeOffset at)
    {
        _current = list;
        _status = _status with { Entries = list.Count, Version = list.Version, LoadedAt = at, LastError = null, LastErrorAt = null };
    }

    public void Unchanged() => _status = _status with { LastError = null, LastErrorAt = null };

    public void Failed(string error, DateTimeOffset at) => _status = _status with { LastError = error, LastErrorAt = at };

    /// <summary>Carries the version in force over from the slot this one replaces.</summary>
    public void Inherit(HashListSlot previous)
    {
        if (previous.Current is { } list && list.Kind == Definition.Kind)
        {
            _current = list;
            _status = _status with { Entries = list.Count, Version = list.Version, LoadedAt = previous.Status.LoadedAt };
        }
    }

    /// <summary>(Re)starts the debounce timer: <paramref name="reload"/> runs once the file has been quiet for <paramref name="delay"/>.</summary>
    public void ScheduleReload(TimeProvider time, TimeSpan delay, Action reload)
    {
        lock (_reloadGate)
        {
            _debounce ??= time.CreateTimer(_ => reload(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _debounce.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        lock (_reloadGate)
        {
            _debounce?.Dispose();
            _debounce = null;
        }
    }
}
