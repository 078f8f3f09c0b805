using System.Diagnostics;

namespace ScanProxy.Tests.Scanning;

/// <summary>Bounded polling: every wait ends, in success or in a failure that says what did not happen.</summary>
internal static class Eventually
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(15);

    public static async Task TrueAsync(Func<bool> condition, string what) => await TrueAsync(() => Task.FromResult(condition()), what);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > s_limit)
            {
                Assert.Fail($"Not within {s_limit.TotalSeconds} s: {what}");
            }

            await Task.Delay(20);
        }
    }
}
