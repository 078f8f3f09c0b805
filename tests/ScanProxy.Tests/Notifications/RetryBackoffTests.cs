using ScanProxy.Notifications;

namespace ScanProxy.Tests.Notifications;

public sealed class RetryBackoffTests
{
    private static readonly TimeSpan First = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(15);

    [TestCase(0, 5)]
    [TestCase(1, 10)]
    [TestCase(2, 20)]
    [TestCase(7, 640)]
    [TestCase(8, 900)]
    [TestCase(1000, 900)]
    public void Delay_doubles_from_the_first_delay_and_stops_at_the_maximum(int previousAttempts, int expectedSeconds)
    {
        Assert.That(RetryBackoff.Delay(previousAttempts, First, Max, jitter: 0), Is.EqualTo(TimeSpan.FromSeconds(expectedSeconds)));
    }

    [Test]
    public void Jitter_shortens_the_delay_by_at_most_a_fifth_and_never_exceeds_the_maximum()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RetryBackoff.Delay(0, First, Max, jitter: 0.5), Is.EqualTo(TimeSpan.FromSeconds(4.5)));
            Assert.That(RetryBackoff.Delay(0, First, Max, jitter: 0.999999), Is.GreaterThan(TimeSpan.FromSeconds(4)));
            Assert.That(RetryBackoff.Delay(50, First, Max, jitter: 0.5), Is.EqualTo(TimeSpan.FromMinutes(13.5)));
        });
    }

    [Test]
    public void Negative_attempts_or_jitter_outside_zero_to_one_are_rejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => RetryBackoff.Delay(-1, First, Max, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => RetryBackoff.Delay(0, First, Max, 1.0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => RetryBackoff.Delay(0, First, Max, -0.1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}
