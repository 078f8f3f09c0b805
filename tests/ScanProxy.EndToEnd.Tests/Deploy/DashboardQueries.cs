using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ScanProxy.EndToEnd.Tests.Deploy;

/// <summary>
/// The PromQL of a Grafana dashboard, found by walking its JSON generically (every <c>expr</c>, wherever it is, and
/// every templating query), with Grafana's variables replaced as Grafana would before sending it to Prometheus.
/// </summary>
internal static partial class DashboardQueries
{
    /// <summary>Every <c>expr</c> string anywhere in the dashboard, with its JSON path.</summary>
    public static IReadOnlyList<(string Path, string Expression)> Expressions(JsonNode dashboard)
    {
        var found = new List<(string, string)>();
        Walk(dashboard, found);
        return found;
    }

    /// <summary>
    /// Every templating query: <c>label_values(METRIC_SELECTOR, LABEL)</c> (Grafana's variable function) becomes the
    /// PromQL <c>count by (LABEL) (METRIC_SELECTOR)</c>, which returns a series per value; any other query is PromQL.
    /// </summary>
    public static IReadOnlyList<(string Variable, string Expression, string? Label)> TemplatingQueries(JsonNode dashboard)
    {
        var queries = new List<(string, string, string?)>();
        foreach (var variable in dashboard["templating"]?["list"]?.AsArray() ?? [])
        {
            if ((string?)variable!["type"] != "query")
            {
                continue;
            }

            var query = variable["query"] is JsonObject editor ? (string)editor["query"]! : (string)variable["query"]!;
            var labelValues = LabelValues().Match(query);
            queries.Add(labelValues.Success
                ? ((string)variable["name"]!, $"count by ({labelValues.Groups["label"].Value}) ({labelValues.Groups["selector"].Value})", labelValues.Groups["label"].Value)
                : ((string)variable["name"]!, query, null));
        }

        return queries;
    }

    /// <summary>Names of the dashboard's variables.</summary>
    public static IReadOnlyList<string> VariableNames(JsonNode dashboard) =>
        [.. (dashboard["templating"]?["list"]?.AsArray() ?? []).Select(v => (string)v!["name"]!)];

    /// <summary>Replaces <c>$name</c>, <c>${name}</c> and <c>[[name]]</c> with the values given.</summary>
    public static string Fill(string expression, IReadOnlyDictionary<string, string> values) =>
        Variable().Replace(expression, m =>
        {
            var name = m.Groups["a"].Success ? m.Groups["a"].Value : m.Groups["b"].Success ? m.Groups["b"].Value : m.Groups["c"].Value;
            return values.TryGetValue(name, out var value) ? value : m.Value;
        });

    /// <summary>Every data source uid the dashboard names.</summary>
    public static IReadOnlySet<string> DataSourceUids(JsonNode dashboard)
    {
        var uids = new HashSet<string>(StringComparer.Ordinal);
        CollectDataSources(dashboard, uids);
        return uids;
    }

    private static void Walk(JsonNode? node, List<(string, string)> found)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (name == "expr" && value is JsonValue expr && expr.TryGetValue<string>(out var text))
                    {
                        found.Add((value.GetPath(), text));
                    }
                    else
                    {
                        Walk(value, found);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Walk(item, found);
                }

                break;
        }
    }

    private static void CollectDataSources(JsonNode? node, HashSet<string> uids)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (name == "datasource" && value?["uid"] is JsonValue uid)
                    {
                        uids.Add((string)uid!);
                    }
                    else
                    {
                        CollectDataSources(value, uids);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    CollectDataSources(item, uids);
                }

                break;
        }
    }

    [GeneratedRegex(@"^\s*label_values\(\s*(?<selector>.+)\s*,\s*(?<label>[A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$")]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"\$\{(?<a>[A-Za-z0-9_]+)(?::[A-Za-z]+)?\}|\$(?<b>[A-Za-z0-9_]+)|\[\[(?<c>[A-Za-z0-9_]+)\]\]")]
    private static partial Regex Variable();
}
