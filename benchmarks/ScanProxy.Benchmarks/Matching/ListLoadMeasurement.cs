using System.Diagnostics;
using System.Globalization;
using ScanProxy.Matching;

namespace ScanProxy.Benchmarks.Matching;

/// <summary>
/// Loads a large PDQ list file (generated under /tmp on first use, streamed so the generator holds no copy) and
/// reports time, the process's peak resident memory and the index size.
/// Run: <c>dotnet run -c Release -- matching-load [lines]</c>.
/// </summary>
internal static class ListLoadMeasurement
{
    public static int Run(string[] args)
    {
        var lines = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000_000;
        var path = Path.Combine(Path.GetTempPath(), $"scanproxy-pdq-{lines}.csv");
        if (!File.Exists(path))
        {
            Generate(path, lines);
        }

        var bytes = new FileInfo(path).Length;
        Console.WriteLine($"{path}: {lines:N0} lines, {bytes / 1e6:F0} MB; peak RSS before load {PeakResidentMegabytes():F0} MB");
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var list = HashListFile.Load(path, HashListKind.Pdq);
        var elapsed = stopwatch.Elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var index = list.PdqIndex!;
        Console.WriteLine($"  load: {elapsed.TotalSeconds:F2} s wall, {cpu.TotalSeconds:F2} s CPU (all threads); {list.Count:N0} entries");
        Console.WriteLine($"  index {index.IndexMemoryBytes / (double)list.Count:F1} B/entry, with ids {index.MemoryBytes / (double)list.Count:F1} B/entry " +
                          $"({index.MemoryBytes / 1e6:F0} MB); peak RSS {PeakResidentMegabytes():F0} MB; file {bytes / 1e6:F0} MB");
        return 0;
    }

    private static void Generate(string path, int lines)
    {
        var random = new Random(4);
        using var writer = new StreamWriter(path, append: false, System.Text.Encoding.ASCII, bufferSize: 1 << 20);
        writer.WriteLine("pdq_hex,id");
        for (var i = 0; i < lines; i++)
        {
            writer.Write(SyntheticHashes.Random(random).ToString());
            writer.Write(",e");
            writer.WriteLine(i.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>VmHWM: the most resident memory the process has had.</summary>
    private static double PeakResidentMegabytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return double.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
            }
        }

        return double.NaN;
    }
}
