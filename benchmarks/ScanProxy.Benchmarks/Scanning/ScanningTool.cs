using System.Globalization;

namespace ScanProxy.Benchmarks.Scanning;

/// <summary>
/// The C# steps of the scanner benchmarks (issue 6, item 9) that benchmarks/load/time-to-block.sh runs:
/// <c>scanning pick</c> chooses the listed photos and the load's source photos from <c>scanproxy hash --dihedral</c>
/// output, and <c>scanning time-to-block</c> measures how long a first-served listed photo takes to answer 451.
/// </summary>
internal static class ScanningTool
{
    public static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            return Usage();
        }

        var options = ParseOptions(args[1..]);
        return args[0] switch
        {
            "pick" => ListPicker.Run(options),
            "time-to-block" => TimeToBlock.Run(options),
            _ => Usage(),
        };
    }

    /// <summary>The value of a required <c>--name value</c> option.</summary>
    public static string Required(IReadOnlyDictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

    /// <summary>The integer value of an optional <c>--name value</c> option.</summary>
    public static int Int(IReadOnlyDictionary<string, string> options, string name, int fallback) =>
        options.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected --name value, got '{args[i]}'.");
            }

            options[args[i][2..]] = args[i + 1];
        }

        return options;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("""
            Usage: ScanProxy.Benchmarks scanning pick --hashes FILE --count N --list OUT.csv --listed OUT.txt --sources OUT.txt
                     [--min-quality 50] [--max-distance 31]
                   ScanProxy.Benchmarks scanning time-to-block --a URL --b URL --host HOST --paths FILE --out FILE.jsonl
                     --admin URL --api-key KEY --zone NAME [--label NAME] [--spacing-ms 300] [--poll-ms 5] [--limit-ms 30000]
            """);
        return 2;
    }
}
