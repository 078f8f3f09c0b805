using System.Net;
using System.Text.Json.Nodes;
using ScanProxy.Tests.Scanning;

namespace ScanProxy.EndToEnd.Tests.Scanning;

/// <summary>Hash lists as an operator sees them: /readyz, GET /api/v1/hashlists and POST .../reload (SPEC §7).</summary>
public sealed class HashListAdminTests : ScanningTestBase
{
    [Test]
    public async Task Readyz_answers_503_naming_a_list_whose_file_is_missing_until_the_file_appears()
    {
        await using var proxy = await StartProxyAsync(withPdqFile: false);

        using var unready = await proxy.Process.AdminClient.GetAsync("/readyz");
        var reasons = JsonNode.Parse(await unready.Content.ReadAsStringAsync())!["reasons"]!.AsArray().Select(r => r!.GetValue<string>());
        await File.WriteAllLinesAsync(proxy.PdqListPath, [.. TestImages.Listed.Select(TestImages.PdqLine)]);

        Assert.Multiple(() =>
        {
            Assert.That(unready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(reasons, Has.One.StartsWith("hash list 'known-pdq' not loaded: "));
        });
        await proxy.WaitUntilReadyAsync();
    }

    [Test]
    public async Task Lists_are_shown_and_reloaded_through_the_admin_api_and_a_bad_file_keeps_the_version_in_force()
    {
        await using var proxy = await StartProxyAsync();
        await proxy.WaitUntilReadyAsync();
        var admin = proxy.Process.AdminClient;

        var lists = JsonNode.Parse(await admin.GetStringAsync("/api/v1/hashlists"))!.AsArray().ToDictionary(l => l!["name"]!.GetValue<string>(), l => l!);
        await File.WriteAllLinesAsync(proxy.PdqListPath, [.. TestImages.Listed.Select(TestImages.PdqLine), TestImages.PdqLine(TestImages.Distinct[0])]);
        using var reloaded = await admin.PostAsync("/api/v1/hashlists/known-pdq/reload", null);
        var afterReload = JsonNode.Parse(await reloaded.Content.ReadAsStringAsync())!;
        await File.WriteAllLinesAsync(proxy.PdqListPath, [TestImages.PdqLine(TestImages.Listed[0]), "not a hash"]);
        using var failed = await admin.PostAsync("/api/v1/hashlists/known-pdq/reload", null);
        var afterFailure = JsonNode.Parse(await failed.Content.ReadAsStringAsync())!;
        using var unknown = await admin.PostAsync("/api/v1/hashlists/nothing/reload", null);
        var audit = JsonNode.Parse(await admin.GetStringAsync("/api/v1/audit"))!.AsArray();

        Assert.Multiple(() =>
        {
            Assert.That(lists["known-pdq"]["kind"]!.GetValue<string>(), Is.EqualTo("Pdq"));
            Assert.That(lists["known-pdq"]["entries"]!.GetValue<int>(), Is.EqualTo(TestImages.Listed.Count));
            Assert.That(lists["known-pdq"]["lastError"], Is.Null);
            Assert.That(lists["known-md5"]["entries"]!.GetValue<int>(), Is.Zero);
            Assert.That(reloaded.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(afterReload["entries"]!.GetValue<int>(), Is.EqualTo(TestImages.Listed.Count + 1));
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            Assert.That(afterFailure["entries"]!.GetValue<int>(), Is.EqualTo(TestImages.Listed.Count + 1));
            Assert.That(afterFailure["version"]!.GetValue<string>(), Is.EqualTo(afterReload["version"]!.GetValue<string>()));
            Assert.That(afterFailure["lastError"]!.GetValue<string>(), Does.Contain("known-pdq.csv:2:"));
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(audit.Count(a => a!["action"]!.GetValue<string>() == "reload-hashlist" && a["target"]!.GetValue<string>() == "known-pdq"), Is.EqualTo(2));
        });
    }
}
