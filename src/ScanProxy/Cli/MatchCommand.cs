using System.Globalization;
using ScanProxy.Matching;

namespace ScanProxy.Cli;

/// <summary>
/// <c>scanproxy match --list FILE [--max-distance 31] [--min-quality 50] PATH...</c> (SPEC §2): hashes each image
/// with its 8 dihedral variants and matches it against a PDQ hash-list file.
/// </summary>
internal static class MatchCommand
{
    public const string Usage = """
        Usage: scanproxy match --list FILE [--max-distance 31] [--min-quality 50] PATH...

        Hashes each image file (a directory is walked recursively, as for 'scanproxy hash') with its 8
        dihedral variants and matches it against the PDQ hash-list FILE.

        Output, one line per image, no header:  path,verdict,distance,entry_id
          match        a list entry lies within --max-distance (0..256) of some variant: the smallest
                       distance and that entry's id (ids of folded duplicates joined by ';')
          clean        no entry lies within --max-distance; distance and entry_id are empty
          low-quality  the image's PDQ quality is below --min-quality (0..100): not matched

        A list with a bad line is rejected: every reported line is printed as FILE:LINE: what is wrong.
        An image that cannot be read or decoded prints "path: reason" on stderr; the others continue.
        Exit code: 0 when every image was judged, 1 when the list or an image failed, 2 on usage errors.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? list = null;
        var maxDistance = 31;
        var minQuality = 50;
        var paths = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--help" or "-h":
                    await stdout.WriteLineAsync(Usage);
                    return 0;
                case "--list" when i + 1 < args.Length:
                    list = args[++i];
                    break;
                case "--max-distance" when i + 1 < args.Length && TryParse(args[i + 1], 0, 256, out maxDistance):
                    i++;
                    break;
                case "--min-quality" when i + 1 < args.Length && TryParse(args[i + 1], 0, 100, out minQuality):
                    i++;
                    break;
                case "--list" or "--max-distance" or "--min-quality":
                    return await UsageErrorAsync(stderr, $"{arg} needs a value{(arg == "--list" ? "" : arg == "--max-distance" ? " in 0..256" : " in 0..100")}");
                case var _ when arg.StartsWith("--", StringComparison.Ordinal):
                    return await UsageErrorAsync(stderr, $"unknown option '{arg}'");
                default:
                    paths.Add(arg);
                    break;
            }
        }

        if (list is null)
        {
            return await UsageErrorAsync(stderr, "--list FILE is required");
        }

        if (paths.Count == 0)
        {
            return await UsageErrorAsync(stderr, "no PATH given");
        }

        PdqIndex index;
        try
        {
            index = (await Task.Run(() => HashListFile.Load(list, HashListKind.Pdq), cancellationToken)).PdqIndex!;
        }
        catch (HashListFormatException ex)
        {
            foreach (var error in ex.Errors)
            {
                await stderr.WriteLineAsync($"{list}:{error.Line}: {error.Message}");
            }

            await stderr.WriteLineAsync($"{list}: {ex.ErrorCount} bad line{(ex.ErrorCount == 1 ? "" : "s")}; the list is rejected");
            return 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"{list}: {ex.Message}");
            return 1;
        }

        var failed = false;
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(HashCommand.ImageFilesUnder(path));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                await stderr.WriteLineAsync($"{path}: no such file or directory");
                failed = true;
            }
        }

        var lines = new string?[files.Count];
        var errors = new string?[files.Count];
        await Task.Run(
            () => Parallel.For(0, files.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
            {
                var outcome = HashCommand.HashFile(files[i], dihedral: true);
                if (outcome.Error is not null)
                {
                    errors[i] = $"{outcome.Path}: {outcome.Error}";
                }
                else
                {
                    lines[i] = Judge(outcome, index, maxDistance, minQuality);
                }
            }),
            cancellationToken);

        for (var i = 0; i < files.Count; i++)
        {
            if (errors[i] is { } error)
            {
                await stderr.WriteLineAsync(error);
                failed = true;
            }
            else
            {
                await stdout.WriteLineAsync(lines[i]);
            }
        }

        await stdout.FlushAsync(cancellationToken);
        return failed ? 1 : 0;
    }

    private static string Judge(HashCommand.Outcome outcome, PdqIndex index, int maxDistance, int minQuality)
    {
        var path = HashCommand.CsvField(outcome.Path);
        var result = outcome.Result;
        if (result.Quality < minQuality)
        {
            return $"{path},low-quality,,";
        }

        if (!index.TryFindBest(result.Dihedral.AsSpan(), maxDistance, out var match))
        {
            return $"{path},clean,,";
        }

        var ids = string.Join(';', index.GetIds(match.Entry));
        return string.Create(CultureInfo.InvariantCulture, $"{path},match,{match.Distance},{HashCommand.CsvField(ids)}");
    }

    private static bool TryParse(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static async Task<int> UsageErrorAsync(TextWriter stderr, string message)
    {
        await stderr.WriteLineAsync($"scanproxy match: {message}");
        await stderr.WriteLineAsync(Usage);
        return 2;
    }
}
