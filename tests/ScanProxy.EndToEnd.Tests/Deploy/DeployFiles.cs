using System.Text.Json.Nodes;
using ScanProxy.Testing;
using YamlDotNet.RepresentationModel;

namespace ScanProxy.EndToEnd.Tests.Deploy;

/// <summary>The files of deploy/, read as the tools that use them would: YAML documents as JSON nodes, JSON as JSON.</summary>
internal static class DeployFiles
{
    /// <summary>The deploy/ folder of the repository.</summary>
    public static string Root => Path.Combine(TestPaths.RepositoryRoot, "deploy");

    /// <summary>A path under deploy/.</summary>
    public static string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>Every YAML document of a file under deploy/ (a file may hold several, separated by ---).</summary>
    public static IReadOnlyList<JsonNode> ReadYamlDocuments(string relative)
    {
        using var reader = new StreamReader(PathOf(relative));
        var stream = new YamlStream();
        stream.Load(reader);
        return [.. stream.Documents.Select(d => ToJson(d.RootNode) ?? throw new InvalidDataException($"{relative}: an empty YAML document."))];
    }

    /// <summary>The one YAML document of a file under deploy/.</summary>
    public static JsonNode ReadYaml(string relative) => ReadYamlDocuments(relative).Single();

    /// <summary>A JSON file under deploy/.</summary>
    public static JsonNode ReadJson(string relative) => JsonNode.Parse(File.ReadAllText(PathOf(relative)))!;

    /// <summary>The port of an absolute URL such as <c>http://0.0.0.0:8080</c>.</summary>
    public static int PortOf(string url) => new Uri(url.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal)).Port;

    /// <summary>The edge port (<c>Kestrel:Endpoints</c>, every endpoint) and the admin port of a ScanProxy configuration.</summary>
    public static (IReadOnlyList<int> Edge, int Admin) ListenerPorts(JsonNode configuration)
    {
        var edge = configuration["Kestrel"]!["Endpoints"]!.AsObject().Select(e => PortOf((string)e.Value!["Url"]!)).ToList();
        return (edge, PortOf((string)configuration["ScanProxy"]!["Admin"]!["Url"]!));
    }

    // Scalars stay strings: the tests compare them as the tools would read them (ports, paths, names).
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode scalar => scalar.Value is { } value ? JsonValue.Create(value) : null,
        _ => throw new InvalidDataException($"Unexpected YAML node {node.NodeType} at {node.Start}."),
    };
}
