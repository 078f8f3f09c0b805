using Microsoft.Extensions.Configuration;

namespace ScanProxy.Tests.Scanning;

/// <summary>
/// What the scanner tests share: a temporary content root holding the hash-list files, settings for a zone "shop"
/// on the real Redis store under a key prefix of the test's own, and nodes stopped in teardown.
/// </summary>
public abstract class ScannerTestBase
{
    internal const string Zone = "shop";
    internal const string PdqList = "known-pdq";
    internal const string Md5List = "known-md5";

    private readonly List<ScannerNode> _nodes = [];

    /// <summary>The content root: list files are written here.</summary>
    protected string Root { get; private set; } = "";

    /// <summary>The configuration of the next node started; tests change it before starting one.</summary>
    protected Dictionary<string, string?> Settings { get; private set; } = [];

    [SetUp]
    public void CreateRootAndSettings()
    {
        Root = Directory.CreateTempSubdirectory("scanproxy-scan-").FullName;
        Settings = new Dictionary<string, string?>
        {
            ["ScanProxy:Store:Redis"] = ScanningRedis.Configuration,
            ["ScanProxy:Store:KeyPrefix"] = $"scan-{Guid.NewGuid():N}:",
            [$"ScanProxy:HashLists:{PdqList}:Path"] = "known-pdq.csv",
            [$"ScanProxy:HashLists:{PdqList}:Kind"] = "Pdq",
            [$"ScanProxy:HashLists:{Md5List}:Path"] = "known-md5.txt",
            [$"ScanProxy:HashLists:{Md5List}:Kind"] = "Md5",
            [$"ScanProxy:Zones:{Zone}:Hosts:0"] = "shop.example",
            [$"ScanProxy:Zones:{Zone}:Origins:0"] = "http://127.0.0.1:9",
            [$"ScanProxy:Zones:{Zone}:HashLists:0"] = PdqList,
            [$"ScanProxy:Zones:{Zone}:HashLists:1"] = Md5List,
            ["ScanProxy:Scanner:Workers"] = "2",
            ["ScanProxy:Scanner:Timeout"] = "00:00:05",
            ["ScanProxy:Smtp:From"] = "scanproxy@test.example",
        };
        WriteList("known-pdq.csv", [.. TestImages.Listed.Select(TestImages.PdqLine)]);
        WriteList("known-md5.txt", []);
    }

    [TearDown]
    public async Task StopNodesAndDeleteRoot()
    {
        for (var i = _nodes.Count - 1; i >= 0; i--)
        {
            await _nodes[i].DisposeAsync();
        }

        _nodes.Clear();
        Directory.Delete(Root, recursive: true);
    }

    /// <summary>Writes a hash-list file under the content root.</summary>
    protected void WriteList(string name, IReadOnlyList<string> lines) =>
        File.WriteAllLines(Path.Combine(Root, name), ["# written by the test", .. lines]);

    /// <summary>Starts a node on the current <see cref="Settings"/>.</summary>
    internal async Task<ScannerNode> StartNodeAsync(bool waitForLists = true)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings).Build();
        var node = await ScannerNode.StartAsync(configuration, Root, waitForLists);
        _nodes.Add(node);
        return node;
    }
}
