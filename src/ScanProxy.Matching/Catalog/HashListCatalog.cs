using System.Collections.Frozen;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace ScanProxy.Matching;

/// <summary>
/// The named hash lists of the process. Loads every list at start, reloads a list when its file changes
/// (watched, debounced, including replacement by rename) or on demand, and hands the scanner the version in
/// force. A version is immutable and is swapped in whole once built, so lookups never wait for a reload; a
/// file that fails to load leaves the previous version in force and is recorded as the list's last error.
/// </summary>
public sealed partial class HashListCatalog : IDisposable
{
    private readonly ILogger _logger;
    private readonly HashListCatalogOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _configure = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private volatile FrozenDictionary<string, HashListSlot> _slots = FrozenDictionary<string, HashListSlot>.Empty;

    /// <summary>Creates a catalog of <paramref name="definitions"/>; nothing is read until <see cref="LoadAllAsync"/>.</summary>
    public HashListCatalog(IEnumerable<HashListDefinition> definitions, ILogger<HashListCatalog> logger, HashListCatalogOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        _options = options ?? HashListCatalogOptions.Default;
        _time = timeProvider ?? TimeProvider.System;
        _slots = CreateSlots(definitions, FrozenDictionary<string, HashListSlot>.Empty);
    }

    /// <summary>Whether every list has a version in force (what /readyz asks).</summary>
    public bool IsReady
    {
        get
        {
            foreach (var slot in _slots.Values)
            {
                if (slot.Current is null)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Loads every list (in parallel) and starts watching their files.</summary>
    public async Task LoadAllAsync(CancellationToken cancellationToken = default)
    {
        var slots = _slots;
        RefreshWatchers(slots);
        var loads = new List<Task>(slots.Count);
        foreach (var slot in slots.Values)
        {
            loads.Add(ReloadAsync(slot, cancellationToken));
        }

        await Task.WhenAll(loads).ConfigureAwait(false);
    }

    /// <summary>Reloads list <paramref name="name"/> now and returns its status afterwards.</summary>
    /// <exception cref="KeyNotFoundException">There is no list of that name.</exception>
    public Task<HashListStatus> ReloadAsync(string name, CancellationToken cancellationToken = default) =>
        _slots.TryGetValue(name, out var slot)
            ? ReloadAsync(slot, cancellationToken)
            : throw new KeyNotFoundException($"There is no hash list named '{name}'.");

    /// <summary>
    /// Applies a new set of definitions (after a configuration change): new lists are loaded, removed ones
    /// dropped, and a list whose path or kind changed is loaded afresh; it keeps its previous version (when of the
    /// same kind) should the new file fail to load.
    /// </summary>
    public async Task ApplyDefinitionsAsync(IEnumerable<HashListDefinition> definitions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        FrozenDictionary<string, HashListSlot> previous;
        FrozenDictionary<string, HashListSlot> next;
        lock (_configure)
        {
            previous = _slots;
            next = CreateSlots(definitions, previous);
        }

        var loads = new List<Task>();
        foreach (var slot in next.Values)
        {
            if (!previous.TryGetValue(slot.Definition.Name, out var old) || !ReferenceEquals(old, slot))
            {
                loads.Add(ReloadAsync(slot, cancellationToken));
            }
        }

        await Task.WhenAll(loads).ConfigureAwait(false);
        lock (_configure)
        {
            _slots = next;
            RefreshWatchers(next);
        }

        foreach (var old in previous.Values)
        {
            if (!next.TryGetValue(old.Definition.Name, out var kept) || !ReferenceEquals(old, kept))
            {
                old.Dispose();
            }
        }
    }

    /// <summary>The status of every list, by name.</summary>
    public IReadOnlyList<HashListStatus> GetStatus()
    {
        var slots = _slots;
        var statuses = new List<HashListStatus>(slots.Count);
        foreach (var slot in slots.Values)
        {
            statuses.Add(slot.Status);
        }

        statuses.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return statuses;
    }

    /// <summary>The version in force of list <paramref name="name"/>, if it has one.</summary>
    public bool TryGetList(string name, [NotNullWhen(true)] out HashList? list)
    {
        list = _slots.TryGetValue(name, out var slot) ? slot.Current : null;
        return list is not null;
    }

    /// <summary>The index in force of PDQ list <paramref name="name"/>, if it has one.</summary>
    public bool TryGetPdqIndex(string name, [NotNullWhen(true)] out PdqIndex? index)
    {
        index = TryGetList(name, out var list) ? list.PdqIndex : null;
        return index is not null;
    }

    /// <summary>The digest set in force of exact list <paramref name="name"/>, if it has one.</summary>
    public bool TryGetExactSet(string name, [NotNullWhen(true)] out ExactHashSet? set)
    {
        set = TryGetList(name, out var list) ? list.ExactSet : null;
        return set is not null;
    }

    /// <summary>Stops watching and reloading.</summary>
    public void Dispose()
    {
        lock (_configure)
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }

            _disposed.Cancel();
            DisposeWatchers();
            foreach (var slot in _slots.Values)
            {
                slot.Dispose();
            }
        }

        _disposed.Dispose();
    }

    private static FrozenDictionary<string, HashListSlot> CreateSlots(IEnumerable<HashListDefinition> definitions, FrozenDictionary<string, HashListSlot> previous)
    {
        var slots = new Dictionary<string, HashListSlot>(StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            ArgumentNullException.ThrowIfNull(definition);
            if (slots.ContainsKey(definition.Name))
            {
                throw new ArgumentException($"Hash list '{definition.Name}' is defined twice.", nameof(definitions));
            }

            if (previous.TryGetValue(definition.Name, out var existing) && existing.Definition == definition)
            {
                slots.Add(definition.Name, existing);
                continue;
            }

            var slot = new HashListSlot(definition, Path.GetFullPath(definition.Path));
            if (existing is not null)
            {
                slot.Inherit(existing);
            }

            slots.Add(definition.Name, slot);
        }

        return slots.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private async Task<HashListStatus> ReloadAsync(HashListSlot slot, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        var token = linked.Token;
        await slot.ReloadGate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            var definition = slot.Definition;
            var stopwatch = Stopwatch.StartNew();
            try
            {
                // Parsing and building run on the thread pool; the version in force serves lookups meanwhile.
                var list = await Task.Run(() => HashListFile.Load(slot.FullPath, definition.Kind, _options.Read, token), token).ConfigureAwait(false);
                if (slot.Current is { } current && current.Version == list.Version)
                {
                    slot.Unchanged();
                    Log.Unchanged(_logger, definition.Name, slot.FullPath, list.Version);
                }
                else
                {
                    slot.Loaded(list, _time.GetUtcNow());
                    Log.Loaded(_logger, definition.Name, slot.FullPath, list.Count, list.Version, stopwatch.ElapsedMilliseconds);
                }
            }
            catch (Exception ex) when (ex is HashListFormatException or IOException or UnauthorizedAccessException)
            {
                slot.Failed(ex.Message, _time.GetUtcNow());
                Log.LoadFailed(_logger, definition.Name, slot.FullPath, slot.Current?.Version ?? "none", ex.Message);
            }

            return slot.Status;
        }
        finally
        {
            slot.ReloadGate.Release();
        }
    }

    private void ScheduleReload(string fullPath)
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        foreach (var slot in _slots.Values)
        {
            if (string.Equals(slot.FullPath, fullPath, StringComparison.Ordinal))
            {
                Log.ChangeSeen(_logger, fullPath, _options.ReloadDelay.TotalMilliseconds);
                slot.ScheduleReload(_time, _options.ReloadDelay, () => _ = ReloadInBackgroundAsync(slot));
            }
        }
    }

    private async Task ReloadInBackgroundAsync(HashListSlot slot)
    {
        try
        {
            await ReloadAsync(slot, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
            // The catalog was disposed while the reload waited or ran.
        }
        catch (ObjectDisposedException) when (_disposed.IsCancellationRequested)
        {
            // Likewise, when disposal won the race for the token source.
        }
    }

    /// <summary>Watches each directory holding a list file; editors that save by rename show up as Created or Renamed.</summary>
    private void RefreshWatchers(FrozenDictionary<string, HashListSlot> slots)
    {
        lock (_configure)
        {
            DisposeWatchers();
            if (!_options.WatchFiles || _disposed.IsCancellationRequested)
            {
                return;
            }

            var directories = new HashSet<string>(StringComparer.Ordinal);
            foreach (var slot in slots.Values)
            {
                directories.Add(Path.GetDirectoryName(slot.FullPath)!);
            }

            foreach (var directory in directories)
            {
                try
                {
                    var watcher = new FileSystemWatcher(directory)
                    {
                        NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                        IncludeSubdirectories = false,
                    };
                    watcher.Changed += (_, e) => ScheduleReload(e.FullPath);
                    watcher.Created += (_, e) => ScheduleReload(e.FullPath);
                    watcher.Deleted += (_, e) => ScheduleReload(e.FullPath);
                    watcher.Renamed += (_, e) =>
                    {
                        ScheduleReload(e.OldFullPath);
                        ScheduleReload(e.FullPath);
                    };
                    watcher.Error += (_, e) => OnWatcherError(directory, e.GetException());
                    watcher.EnableRaisingEvents = true;
                    _watchers.Add(watcher);
                }
                catch (Exception ex) when (ex is ArgumentException or IOException or PlatformNotSupportedException)
                {
                    Log.CannotWatch(_logger, directory, ex);
                }
            }
        }
    }

    private void OnWatcherError(string directory, Exception exception)
    {
        // Events were lost (e.g. the watcher's buffer overflowed): reload every list in the directory.
        Log.WatcherFailed(_logger, directory, exception);
        foreach (var slot in _slots.Values)
        {
            if (string.Equals(Path.GetDirectoryName(slot.FullPath), directory, StringComparison.Ordinal))
            {
                ScheduleReload(slot.FullPath);
            }
        }
    }

    private void DisposeWatchers()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _watchers.Clear();
    }
}
