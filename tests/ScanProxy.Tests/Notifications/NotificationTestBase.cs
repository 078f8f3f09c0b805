using Microsoft.Extensions.Configuration;
using ScanProxy.Notifications;
using ScanProxy.Store;

namespace ScanProxy.Tests.Notifications;

/// <summary>
/// What the delivery tests share: settings that make retries and polling fast, real receivers, and nodes over one real
/// Redis store, all disposed in teardown.
/// </summary>
public abstract class NotificationTestBase
{
    protected const string Zone = "shop";
    protected const string Secret = "s3cret-for-tests";

    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(15);

    private readonly List<IAsyncDisposable> _cleanup = [];

    /// <summary>The configuration every node of the test reads; changes are seen at once.</summary>
    internal IConfigurationRoot Configuration { get; private set; } = null!;

    [SetUp]
    public void CreateConfiguration()
    {
        Configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                // Every node of a test shares the real store; the prefix keeps other tests' outboxes apart.
                ["ScanProxy:Store:Redis"] = NotificationRedis.Configuration,
                ["ScanProxy:Store:KeyPrefix"] = $"notify-{Guid.NewGuid():N}:",
                ["ScanProxy:Notifications:PollInterval"] = "00:00:00.050",
                ["ScanProxy:Notifications:RetryDelay"] = "00:00:00.100",
                ["ScanProxy:Notifications:MaxRetryDelay"] = "00:00:00.400",
                // Generous: a send that times out after the receiver took it is sent again (the at-least-once case),
                // and the first sends of a test run on a busy machine can take seconds.
                ["ScanProxy:Notifications:SendTimeout"] = "00:00:10",
                ["ScanProxy:Notifications:Lease"] = "00:00:30",
                ["ScanProxy:Smtp:From"] = "scanproxy@test.example",
            })
            .Build();
    }

    [TearDown]
    public async Task DisposeEverythingStarted()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            await _cleanup[i].DisposeAsync();
        }

        _cleanup.Clear();
    }

    /// <summary>A new node with its own connection to the test's store, not started yet.</summary>
    internal NotificationNode CreateNode() => Track(NotificationNode.Create(Configuration));

    /// <summary>A new node with its own connection to the test's store, with its dispatcher running.</summary>
    internal async Task<NotificationNode> StartNodeAsync()
    {
        var node = CreateNode();
        await node.StartAsync();
        return node;
    }

    /// <summary>A webhook receiver registered under the zone with the given secret (what ScanProxy signs with).</summary>
    internal async Task<WebhookReceiver> StartWebhookAsync(string receiverSecret = Secret, bool configure = true)
    {
        var receiver = Track(await WebhookReceiver.StartAsync(receiverSecret));
        if (configure)
        {
            ConfigureWebhook(receiver.Url);
        }

        return receiver;
    }

    /// <summary>Adds a webhook with <see cref="Secret"/> to the zone's configuration.</summary>
    internal void ConfigureWebhook(string url)
    {
        var index = Configuration.GetSection($"ScanProxy:Zones:{Zone}:Notify:Webhooks").GetChildren().Count();
        Configuration[$"ScanProxy:Zones:{Zone}:Notify:Webhooks:{index}:Url"] = url;
        Configuration[$"ScanProxy:Zones:{Zone}:Notify:Webhooks:{index}:Secret"] = Secret;
    }

    /// <summary>An SMTP sink whose port the configuration points at; started unless asked not to be.</summary>
    internal SmtpSink CreateSmtpSink(bool start = true)
    {
        var sink = new SmtpSink();
        _cleanup.Add(new DisposeAdapter(sink));
        Configuration["ScanProxy:Smtp:Host"] = "127.0.0.1";
        Configuration["ScanProxy:Smtp:Port"] = sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return start ? sink.Start() : sink;
    }

    internal static DetectionRecord Detection(string id) => new()
    {
        Id = id,
        Zone = Zone,
        Url = $"https://shop.example/images/{id}.jpg",
        FirstServedAt = new DateTimeOffset(2025, 5, 1, 12, 0, 0, TimeSpan.Zero),
        DetectedAt = new DateTimeOffset(2025, 5, 1, 12, 0, 0, 120, TimeSpan.Zero),
        Sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        Pdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22",
        Quality = 100,
        List = "known-pdq",
        EntryId = "entry-17",
        Distance = 4,
        Variant = "rot90",
        Action = "Block",
    };

    internal static NotificationRecipients Recipients(IReadOnlyList<string>? emails = null, IReadOnlyList<string>? webhooks = null) =>
        new(emails ?? [], webhooks ?? []);

    /// <summary>Waits until <paramref name="condition"/> holds, failing the test after a generous limit.</summary>
    internal static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Long enough for a repeat to show: several poll intervals and retry delays of the test settings.
    /// Used after the expected deliveries arrived, to show no more follow.
    /// </summary>
    internal static Task SettleAsync() => Task.Delay(TimeSpan.FromMilliseconds(600));

    private T Track<T>(T disposable)
        where T : IAsyncDisposable
    {
        _cleanup.Add(disposable);
        return disposable;
    }

    private sealed class DisposeAdapter(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
