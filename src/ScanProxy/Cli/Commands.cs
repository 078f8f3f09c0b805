namespace ScanProxy.Cli;

/// <summary>Dispatches <c>scanproxy</c> subcommands (SPEC §2).</summary>
internal static class Commands
{
    public const string Usage = """
        Usage: scanproxy [command] [options]

        Commands:
          serve [--config FILE]        run the proxy (the default command)
          demo                         run a self-contained demonstration on loopback
          hash [--dihedral] [--json] PATH...
                                       print the PDQ hash of each image file (directories are walked)
          match --list FILE [--max-distance 31] [--min-quality 50] PATH...
                                       match images against a hash-list file
          hashlist check FILE          validate a hash-list file

        Run 'scanproxy COMMAND --help' for a command's options.
        """;

    public static Task<int> RunAsync(string[] args)
    {
        var command = args.Length == 0 ? "serve" : args[0];
        var rest = args.Length == 0 ? [] : args[1..];
        switch (command)
        {
            case "--help" or "-h" or "help":
                Console.Out.WriteLine(Usage);
                return Task.FromResult(0);
            case "demo":
                return DemoCommand.RunAsync(rest);
            case "hash":
                return HashCommand.RunAsync(rest, Console.Out, Console.Error);
            case "hashlist":
                return HashListCommand.RunAsync(rest, Console.Out, Console.Error);
            case "match":
                return MatchCommand.RunAsync(rest, Console.Out, Console.Error);
            case "serve":
                return ServeCommand.RunAsync(rest);
            default:
                Console.Error.WriteLine($"scanproxy: unknown command '{command}'.");
                Console.Error.WriteLine(Usage);
                return Task.FromResult(2);
        }
    }
}
