using System.Globalization;
using System.Text.Json.Nodes;

namespace ScanProxy.EndToEnd.Tests.Deploy;

/// <summary>
/// deploy/k8s: every manifest parses, the kustomization lists them all, and the Deployment's ports, probes, Service,
/// Secret and ConfigMap fit together and fit the configuration the ConfigMap gives the pods.
/// </summary>
public sealed class KubernetesTests
{
    private static JsonNode Deployment => DeployFiles.ReadYaml("k8s/deployment.yaml");

    private static JsonNode Container => Deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Single()!;

    private static Dictionary<string, int> ContainerPorts =>
        Container["ports"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => Port(p!["containerPort"]!));

    [Test]
    public void The_kustomization_lists_every_manifest_and_each_parses_as_a_kubernetes_object()
    {
        var manifests = Directory.GetFiles(DeployFiles.PathOf("k8s"), "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").ToList();
        var listed = DeployFiles.ReadYaml("k8s/kustomization.yaml")["resources"]!.AsArray().Select(r => (string)r!).ToList();
        var kinds = manifests.SelectMany(f => DeployFiles.ReadYamlDocuments($"k8s/{f}")).Select(d => $"{d["apiVersion"]}/{d["kind"]}").ToList();

        Assert.That(listed, Is.EquivalentTo(manifests));
        Assert.That(kinds, Is.EquivalentTo(new[]
        {
            "v1/ConfigMap", "v1/Secret", "v1/PersistentVolumeClaim", "apps/v1/Deployment", "v1/Service",
            "autoscaling/v2/HorizontalPodAutoscaler", "policy/v1/PodDisruptionBudget",
        }));
    }

    [Test]
    public void The_container_ports_are_the_ones_the_configmap_configuration_listens_on()
    {
        var (edge, admin) = DeployFiles.ListenerPorts(ConfigMapConfiguration());

        Assert.That(ContainerPorts["edge"], Is.EqualTo(edge.Single()));
        Assert.That(ContainerPorts["admin"], Is.EqualTo(admin));
    }

    [TestCase("readinessProbe", "/readyz")]
    [TestCase("livenessProbe", "/healthz")]
    public void Probes_ask_the_admin_port(string probe, string path)
    {
        var get = Container[probe]!["httpGet"]!;

        Assert.That((string)get["path"]!, Is.EqualTo(path));
        Assert.That(ContainerPorts[(string)get["port"]!], Is.EqualTo(ContainerPorts["admin"]));
    }

    [Test]
    public void The_service_targets_the_named_container_ports()
    {
        var service = DeployFiles.ReadYaml("k8s/service.yaml");
        var targets = service["spec"]!["ports"]!.AsArray().Select(p => (string)p!["targetPort"]!).ToList();

        Assert.That(targets, Is.EquivalentTo(ContainerPorts.Keys));
        Assert.That(service["spec"]!["selector"]!.ToJsonString(), Is.EqualTo(Deployment["spec"]!["selector"]!["matchLabels"]!.ToJsonString()));
    }

    [Test]
    public void Prometheus_annotations_name_the_admin_port()
    {
        var annotations = Deployment["spec"]!["template"]!["metadata"]!["annotations"]!;

        Assert.That(Port(annotations["prometheus.io/port"]!), Is.EqualTo(ContainerPorts["admin"]));
        Assert.That((string)annotations["prometheus.io/path"]!, Is.EqualTo("/metrics"));
    }

    [Test]
    public void The_admin_key_comes_from_the_secret_which_holds_a_placeholder()
    {
        var reference = Container["env"]!.AsArray().Single(e => (string)e!["name"]! == "ScanProxy__Admin__ApiKeys__0")!["valueFrom"]!["secretKeyRef"]!;
        var secret = DeployFiles.ReadYaml("k8s/secret.yaml");

        Assert.That((string)reference["name"]!, Is.EqualTo((string)secret["metadata"]!["name"]!));
        Assert.That((string)secret["stringData"]![(string)reference["key"]!]!, Does.StartWith("REPLACE-"));
    }

    [Test]
    public void The_configmap_is_mounted_where_the_image_reads_its_configuration()
    {
        var configMapName = (string)DeployFiles.ReadYaml("k8s/configmap.yaml")["metadata"]!["name"]!;
        var volume = Deployment["spec"]!["template"]!["spec"]!["volumes"]!.AsArray().Single(v => (string?)v!["configMap"]?["name"] == configMapName)!;
        var mount = Container["volumeMounts"]!.AsArray().Single(m => (string)m!["name"]! == (string)volume["name"]!)!;
        var entrypoint = File.ReadAllLines(DeployFiles.PathOf("Dockerfile")).Single(l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal));

        Assert.That(entrypoint, Does.Contain($"\"{(string)mount["mountPath"]!}/scanproxy.json\""));
    }

    [Test]
    public void The_autoscaler_and_the_disruption_budget_select_the_deployment()
    {
        var name = (string)Deployment["metadata"]!["name"]!;
        var hpa = DeployFiles.ReadYaml("k8s/hpa.yaml");
        var pdb = DeployFiles.ReadYaml("k8s/pdb.yaml");

        Assert.That((string)hpa["spec"]!["scaleTargetRef"]!["name"]!, Is.EqualTo(name));
        Assert.That(pdb["spec"]!["selector"]!["matchLabels"]!.ToJsonString(), Is.EqualTo(Deployment["spec"]!["selector"]!["matchLabels"]!.ToJsonString()));
    }

    /// <summary>The scanproxy.json the ConfigMap holds.</summary>
    internal static JsonNode ConfigMapConfiguration() =>
        JsonNode.Parse((string)DeployFiles.ReadYaml("k8s/configmap.yaml")["data"]!["scanproxy.json"]!)!;

    private static int Port(JsonNode node) => int.Parse((string)node!, CultureInfo.InvariantCulture);
}
