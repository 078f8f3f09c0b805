using System.Globalization;
using System.Text.RegularExpressions;

namespace ScanProxy.EndToEnd.Tests.Telemetry;

/// <summary>The samples of a Prometheus text exposition: one per line, with its name, labels and value.</summary>
internal sealed partial class PrometheusText
{
    private PrometheusText(IReadOnlyList<Sample> samples, string text)
    {
        Samples = samples;
        Text = text;
    }

    public IReadOnlyList<Sample> Samples { get; }

    public string Text { get; }

    public static PrometheusText Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var match = SampleLine().Match(line);
            if (!match.Success)
            {
                throw new FormatException($"Not a Prometheus sample line: {line}");
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match label in Label().Matches(match.Groups["labels"].Value))
            {
                labels[label.Groups["name"].Value] = label.Groups["value"].Value;
            }

            var value = match.Groups["value"].Value;
            samples.Add(new Sample(
                match.Groups["name"].Value,
                labels,
                value switch { "+Inf" => double.PositiveInfinity, "-Inf" => double.NegativeInfinity, "NaN" => double.NaN, _ => double.Parse(value, CultureInfo.InvariantCulture) },
                line));
        }

        return new PrometheusText(samples, text);
    }

    /// <summary>The samples of series <paramref name="name"/> that carry every label given (others may be present).</summary>
    public IEnumerable<Sample> Find(string name, params (string Name, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value));

    /// <summary>The value of the one sample of <paramref name="name"/> with these labels, or 0 when there is none.</summary>
    public double ValueOrZero(string name, params (string Name, string Value)[] labels) =>
        Find(name, labels).SingleOrDefault()?.Value ?? 0;

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex("(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=\"(?<value>(?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex Label();

    internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value, string Line);
}
