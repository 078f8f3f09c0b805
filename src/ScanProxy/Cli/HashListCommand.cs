using ScanProxy.Matching;

namespace ScanProxy.Cli;

/// <summary><c>scanproxy hashlist check [--kind KIND] FILE</c>: validates a hash-list file (SPEC §2, §5).</summary>
internal static class HashListCommand
{
    public const string Usage = """
        Usage: scanproxy hashlist check [--kind pdq|md5|sha1|sha256] FILE

        Validates a hash-list file: one entry per line, hex[,id[,anything]]; blank lines, '#' comments
        and one header line are allowed. Prints every bad line as FILE:LINE: what is wrong, then the
        number of entries, duplicates and bad lines. Without --kind the first entry decides it
        (64 hex digits are checked as PDQ; SHA-256 lists have the same syntax).

        Exit code: 0 when the file is valid, 1 when a line is bad or the file cannot be read, 2 on usage errors.
        """;

    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        if (args.Length > 0 && args[0] is "--help" or "-h")
        {
            stdout.WriteLine(Usage);
            return Task.FromResult(0);
        }

        if (args.Length == 0 || args[0] != "check")
        {
            return Task.FromResult(UsageError(stderr, args.Length == 0 ? "missing subcommand 'check'" : $"unknown subcommand '{args[0]}'"));
        }

        HashListKind? kind = null;
        string? file = null;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h":
                    stdout.WriteLine(Usage);
                    return Task.FromResult(0);
                case "--kind" when i + 1 < args.Length && Enum.TryParse<HashListKind>(args[i + 1], ignoreCase: true, out var parsed) && !int.TryParse(args[i + 1], out _):
                    kind = parsed;
                    i++;
                    break;
                case "--kind":
                    return Task.FromResult(UsageError(stderr, "--kind takes pdq, md5, sha1 or sha256"));
                case var arg when arg.StartsWith('-') && arg.Length > 1:
                    return Task.FromResult(UsageError(stderr, $"unknown option '{arg}'"));
                case var arg when file is null:
                    file = arg;
                    break;
                default:
                    return Task.FromResult(UsageError(stderr, "check takes one FILE"));
            }
        }

        if (file is null)
        {
            return Task.FromResult(UsageError(stderr, "missing FILE"));
        }

        return Task.Run(() => Check(file, kind, stdout, stderr, cancellationToken), cancellationToken);
    }

    private static int Check(string file, HashListKind? kind, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        HashListCheckResult result;
        try
        {
            result = HashListFile.Check(file, kind, error => stdout.WriteLine($"{file}:{error.Line}: {error.Message}"), cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"scanproxy hashlist: {file}: {ex.Message}");
            return 1;
        }

        var kindName = result.Kind?.ToString().ToLowerInvariant() ?? "unknown kind";
        stdout.WriteLine(
            $"{file}: {result.Entries} entries ({kindName}), {result.EntryLines} entry lines, {result.Duplicates} duplicates folded, " +
            $"{result.ErrorCount} bad lines; version {result.Version}");
        return result.IsValid ? 0 : 1;
    }

    private static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine($"scanproxy hashlist: {message}");
        stderr.WriteLine(Usage);
        return 2;
    }
}
