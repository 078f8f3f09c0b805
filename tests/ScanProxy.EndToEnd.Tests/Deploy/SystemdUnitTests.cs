namespace ScanProxy.EndToEnd.Tests.Deploy;

/// <summary>deploy/systemd/scanproxy.service is a unit systemd accepts without a warning, and it serves with a config file.</summary>
public sealed class SystemdUnitTests
{
    private static string UnitPath => DeployFiles.PathOf(Path.Combine("systemd", "scanproxy.service"));

    [Test]
    public void The_unit_serves_with_the_configuration_file()
    {
        var execStart = File.ReadAllLines(UnitPath).Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal));

        Assert.That(execStart, Is.EqualTo("ExecStart=/opt/scanproxy/scanproxy serve --config /etc/scanproxy/scanproxy.json"));
    }

    [Test]
    public async Task Systemd_analyze_verify_accepts_every_directive()
    {
        string analyze;
        try
        {
            analyze = ToolProcess.Find("systemd-analyze", "systemd");
        }
        catch (InvalidOperationException e)
        {
            // Containers often have no systemd; the unit is only checked where it could run.
            Assert.Ignore(e.Message);
            return;
        }

        // The unit as it is, but for the executable, which is only there once installed: an unknown or misspelt
        // directive is a warning systemd would otherwise ignore in silence.
        var directory = Directory.CreateTempSubdirectory("scanproxy-e2e-unit-").FullName;
        try
        {
            var unit = Path.Combine(directory, "scanproxy.service");
            await File.WriteAllTextAsync(unit, (await File.ReadAllTextAsync(UnitPath)).Replace("ExecStart=/opt/scanproxy/scanproxy ", "ExecStart=/bin/true ", StringComparison.Ordinal));
            var (exitCode, output) = await ToolProcess.RunAsync(analyze, ["verify", "--man=no", unit], directory);

            Assert.That(exitCode, Is.Zero, output);
            Assert.That(output, Is.Empty);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
