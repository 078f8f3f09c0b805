using System.Diagnostics;
using ScanProxy.Store;

namespace ScanProxy.Tests.Store;

/// <summary>A blocklist subscriber that remembers what it heard, with when, and lets a test wait for a change.</summary>
internal sealed class ChangeRecorder
{
    private readonly Lock _lock = new();
    private readonly List<(BlocklistChange Change, TimeSpan At)> _heard = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public void Handle(BlocklistChange change)
    {
        lock (_lock)
        {
            _heard.Add((change, _clock.Elapsed));
        }
    }

    public IReadOnlyList<BlocklistChange> Heard
    {
        get
        {
            lock (_lock)
            {
                return [.. _heard.Select(h => h.Change)];
            }
        }
    }

    /// <summary>The time (on this recorder's clock) the first matching change arrived, waiting up to <paramref name="timeout"/>.</summary>
    public async Task<TimeSpan> WaitForAsync(Func<BlocklistChange, bool> match, TimeSpan timeout)
    {
        var deadline = _clock.Elapsed + timeout;
        while (true)
        {
            lock (_lock)
            {
                foreach (var (change, at) in _heard)
                {
                    if (match(change))
                    {
                        return at;
                    }
                }
            }

            if (_clock.Elapsed > deadline)
            {
                throw new TimeoutException($"No matching blocklist change within {timeout}; heard: {string.Join("; ", Heard)}");
            }

            await Task.Delay(5);
        }
    }

    public TimeSpan Now => _clock.Elapsed;
}
