using System.Diagnostics;

namespace ScanProxy.EndToEnd.Tests.Infrastructure;

/// <summary>Bounded polling: every wait in these tests ends, in success or in a failure that says what did not happen.</summary>
internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it is true; fails the test after <paramref name="timeout"/>.</summary>
    /// <returns>How long it took.</returns>
    public static async Task<TimeSpan> TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? interval = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return clock.Elapsed;
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Not within {timeout.TotalSeconds:0.#} s: {what}");
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(20));
        }
    }
}
