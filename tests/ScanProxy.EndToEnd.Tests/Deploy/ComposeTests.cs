using System.Globalization;
using System.Text.Json.Nodes;
using ScanProxy.EndToEnd.Tests.Infrastructure;

namespace ScanProxy.EndToEnd.Tests.Deploy;

/// <summary>
/// deploy/compose/compose.yaml names only what exists: build contexts, Dockerfiles and mounted paths in the repository,
/// container ports the mounted ScanProxy configuration listens on, scrape targets and data sources that are its services.
/// No Docker engine runs here: these are the mistakes that would otherwise show only at <c>docker compose up</c>.
/// </summary>
public sealed class ComposeTests
{
    private const string ComposeFile = "compose/compose.yaml";

    private static string ComposeDirectory => DeployFiles.PathOf("compose");

    private static JsonObject Services => DeployFiles.ReadYaml(ComposeFile)["services"]!.AsObject();

    private static IEnumerable<KeyValuePair<string, JsonNode?>> ScanProxyServices => Services.Where(s => s.Value!["build"] is not null);

    [Test]
    public void Two_scanproxy_nodes_share_one_redis()
    {
        var nodes = ScanProxyServices.Select(s => s.Key).ToList();
        var configuration = DeployFiles.ReadJson("compose/scanproxy.json");
        var redisHost = ((string)configuration["ScanProxy"]!["Store"]!["Redis"]!).Split(':')[0];

        Assert.That(nodes, Has.Count.EqualTo(2));
        Assert.That(Services.Select(s => s.Key), Does.Contain(redisHost));
        Assert.That((string)Services[redisHost]!["image"]!, Does.StartWith("redis:"));
    }

    [Test]
    public void Every_build_context_and_dockerfile_exists()
    {
        var missing = new List<string>();
        foreach (var (name, service) in ScanProxyServices)
        {
            var context = Path.GetFullPath(Path.Combine(ComposeDirectory, (string)service!["build"]!["context"]!));
            var dockerfile = Path.Combine(context, (string)service["build"]!["dockerfile"]!);
            if (!File.Exists(Path.Combine(context, "ScanProxy.sln")))
            {
                missing.Add($"{name}: build context {context} is not the repository root");
            }

            if (!File.Exists(dockerfile))
            {
                missing.Add($"{name}: {dockerfile}");
            }
        }

        Assert.That(missing, Is.Empty);
    }

    [Test]
    public void Every_mounted_path_exists_in_the_repository()
    {
        var mounts = Services.SelectMany(s => Volumes(s.Value!).Select(v => (Service: s.Key, v.Source))).ToList();
        var missing = mounts.Where(m => !File.Exists(m.Source) && !Directory.Exists(m.Source)).Select(m => $"{m.Service}: {m.Source}").ToList();

        Assert.That(mounts, Is.Not.Empty);
        Assert.That(missing, Is.Empty);
    }

    [Test]
    public void Scanproxy_containers_publish_the_edge_and_admin_ports_their_configuration_listens_on()
    {
        foreach (var (name, service) in ScanProxyServices)
        {
            var configSource = Volumes(service!).Single(v => v.Target == "/etc/scanproxy/scanproxy.json").Source;
            var (edge, admin) = DeployFiles.ListenerPorts(JsonNode.Parse(File.ReadAllText(configSource))!);
            var containerPorts = service!["ports"]!.AsArray().Select(p => int.Parse(((string)p!).Split(':')[^1], CultureInfo.InvariantCulture)).ToList();

            Assert.That(containerPorts, Is.EquivalentTo(edge.Append(admin)), name);
        }
    }

    [Test]
    public void The_dockerfile_exposes_the_ports_the_configuration_listens_on()
    {
        var (edge, admin) = DeployFiles.ListenerPorts(DeployFiles.ReadJson("compose/scanproxy.json"));
        var expose = File.ReadAllLines(DeployFiles.PathOf("Dockerfile")).Single(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal));
        var exposed = expose["EXPOSE ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture));

        Assert.That(exposed, Is.EquivalentTo(edge.Append(admin)));
    }

    [Test]
    public void Prometheus_scrapes_the_admin_port_of_every_scanproxy_node()
    {
        var prometheus = Services["prometheus"]!;
        var configDirectory = Volumes(prometheus).Single(v => v.Target == "/etc/prometheus").Source;
        Assert.That(Path.GetFullPath(configDirectory), Is.EqualTo(DeployFiles.PathOf("prometheus")));

        var job = DeployFiles.ReadYaml("prometheus/prometheus.yml")["scrape_configs"]!.AsArray().Single(j => (string)j!["job_name"]! == "scanproxy")!;
        var targets = job["static_configs"]!.AsArray().SelectMany(c => c!["targets"]!.AsArray()).Select(t => (string)t!).ToList();
        var (_, admin) = DeployFiles.ListenerPorts(DeployFiles.ReadJson("compose/scanproxy.json"));

        Assert.That(targets, Is.EquivalentTo(ScanProxyServices.Select(s => $"{s.Key}:{admin}")));
        Assert.That((string)job["metrics_path"]!, Is.EqualTo("/metrics"));
    }

    [Test]
    public void Grafana_provisions_the_prometheus_service_and_the_dashboard_folder_it_mounts()
    {
        var grafana = Services["grafana"]!;
        var mounts = Volumes(grafana).ToList();
        var provisioning = mounts.Single(v => v.Target == "/etc/grafana/provisioning").Source;
        Assert.That(Path.GetFullPath(provisioning), Is.EqualTo(DeployFiles.PathOf(Path.Combine("grafana", "provisioning"))));

        var datasource = DeployFiles.ReadYaml("grafana/provisioning/datasources/prometheus.yaml")["datasources"]!.AsArray().Single()!;
        var url = new Uri((string)datasource["url"]!);
        Assert.That(Services.Select(s => s.Key), Does.Contain(url.Host));

        var dashboardPath = (string)DeployFiles.ReadYaml("grafana/provisioning/dashboards/scanproxy.yaml")["providers"]!.AsArray().Single()!["options"]!["path"]!;
        var dashboardsSource = mounts.Single(v => v.Target == dashboardPath).Source;
        Assert.That(File.Exists(Path.Combine(dashboardsSource, "scanproxy.json")), Is.True, $"{dashboardPath} is mounted from {dashboardsSource}");

        var home = (string)grafana["environment"]!["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]!;
        Assert.That(home, Is.EqualTo($"{dashboardPath}/scanproxy.json"));
    }

    [Test]
    public void The_dashboard_uses_the_provisioned_data_source()
    {
        var uid = (string)DeployFiles.ReadYaml("grafana/provisioning/datasources/prometheus.yaml")["datasources"]!.AsArray().Single()!["uid"]!;
        var used = DashboardQueries.DataSourceUids(DeployFiles.ReadJson("grafana/dashboards/scanproxy.json"));

        Assert.That(used, Is.EquivalentTo(new[] { uid }));
    }

    [Test]
    public void The_scanproxy_image_is_named_the_same_in_compose_kubernetes_and_the_readme()
    {
        var composeImages = ScanProxyServices.Select(s => (string)s.Value!["image"]!).Distinct().ToList();
        var deployment = DeployFiles.ReadYaml("k8s/deployment.yaml");
        var k8sImage = (string)deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Single()!["image"]!;
        var readme = File.ReadAllText(DeployFiles.PathOf("README.md"));

        Assert.That(composeImages, Is.EqualTo(new[] { k8sImage }));
        Assert.That(readme, Does.Contain($"docker build -f deploy/Dockerfile -t {k8sImage} ."));
    }

    [Test]
    public async Task The_demo_hash_list_holds_the_pdq_hash_of_the_demo_photo_the_origin_serves()
    {
        var origin = Volumes(Services["origin"]!).Single();
        var photo = Path.Combine(origin.Source, "goldfish.jpg");
        var (exitCode, output, error) = await ProxyProcess.RunToExitAsync(["hash", photo]);
        Assert.That(exitCode, Is.Zero, error);

        var hash = output.Split(',')[0];
        var listLines = File.ReadAllLines(Path.Combine(ComposeDirectory, "hashlists", "demo-pdq.csv")).Where(l => l.Length > 0 && l[0] != '#').ToList();
        Assert.That(listLines, Does.Contain($"{hash},demo-goldfish"));
    }

    /// <summary>The short-form volumes of a service: the source (a path relative to this file, made absolute) and the container target.</summary>
    private static IEnumerable<(string Source, string Target)> Volumes(JsonNode service) =>
        (service["volumes"]?.AsArray() ?? []).Select(v =>
        {
            var parts = ((string)v!).Split(':');
            return (Path.GetFullPath(Path.Combine(ComposeDirectory, parts[0])), parts[1]);
        });
}
