namespace ScanProxy.EndToEnd.Tests.Deploy;

/// <summary>deploy/prometheus passes Prometheus's own checks, and its alerts fire when they should (promtool test rules).</summary>
public sealed class PromtoolTests
{
    [TestCase("check", "config", "prometheus.yml", TestName = "promtool check config accepts prometheus.yml")]
    [TestCase("check", "rules", "rules.yml", TestName = "promtool check rules accepts rules.yml")]
    [TestCase("test", "rules", "rules.test.yml", TestName = "promtool test rules proves the alerts fire (rules.test.yml)")]
    public async Task Promtool_accepts_the_prometheus_files(string verb, string what, string file)
    {
        var (exitCode, output) = await ToolProcess.RunAsync(ToolProcess.Find("promtool", "prometheus"), [verb, what, file], DeployFiles.PathOf("prometheus"));

        Assert.That(exitCode, Is.Zero, output);
    }

    [Test]
    public void The_rules_test_proves_the_store_down_and_queue_overflow_alerts()
    {
        var tests = DeployFiles.ReadYaml("prometheus/rules.test.yml")["tests"]!.AsArray();
        var firing = tests
            .SelectMany(t => t!["alert_rule_test"]!.AsArray())
            .Where(a => a!["exp_alerts"]!.AsArray().Count > 0)
            .Select(a => (string)a!["alertname"]!)
            .ToHashSet();

        Assert.That(firing, Is.SupersetOf(new[] { "ScanProxyStoreUnreachable", "ScanProxyScanQueueOverflowing" }));
    }

    [Test]
    public void Every_alert_has_a_summary_and_a_description()
    {
        var rules = DeployFiles.ReadYaml("prometheus/rules.yml")["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).ToList();
        var incomplete = rules
            .Where(r => r!["annotations"]?["summary"] is null || r["annotations"]?["description"] is null)
            .Select(r => (string?)r!["alert"])
            .ToList();

        Assert.That(rules, Is.Not.Empty);
        Assert.That(incomplete, Is.Empty);
    }
}
