using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ScanProxy.Pdq;
using ScanProxy.Pdq.Decoding;

namespace ScanProxy.Cli;

/// <summary>
/// <c>scanproxy hash [--dihedral] [--json] PATH...</c> (SPEC §2): prints the PDQ hash of each image file, hashing
/// files in parallel on every core and printing them in input order as they finish.
/// </summary>
internal static class HashCommand
{
    public const string Usage = """
        Usage: scanproxy hash [--dihedral] [--json] PATH...

        Prints the PDQ hash (Meta's full-resolution variant) of each image file. A directory is walked
        recursively for image files (JPEG, PNG, GIF, WebP, BMP by extension or content; TIFF is reported as
        unsupported); files are hashed in ordinal order of their paths, directories in the order given.

        Output, one line per image, no header:
          default      pdq_hex,quality,path
          --dihedral   pdq_hex,pdq_rot90,pdq_rot180,pdq_rot270,pdq_flipx,pdq_flipy,pdq_flipplus1,pdq_flipminus1,quality,path
                       (the 8 dihedral hashes in SPEC §5 order; the first is the plain hash)
          --json       one JSON object a line: {"path":...,"pdq_hex":...,"quality":...,"width":...,"height":...}
                       with --dihedral also "pdq_rot90" ... "pdq_flipminus1"
        A path containing a comma, a quote or a line break is quoted as in RFC 4180.

        A file that cannot be read or decoded prints "path: reason" on stderr; the others continue.
        Exit code: 0 when every file was hashed, 1 when any failed, 2 for a usage error.
        """;

    private static readonly string[] s_variantColumns =
        ["pdq_hex", "pdq_rot90", "pdq_rot180", "pdq_rot270", "pdq_flipx", "pdq_flipy", "pdq_flipplus1", "pdq_flipminus1"];

    private static readonly HashSet<string> s_imageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".gif", ".webp", ".bmp", ".dib", ".tif", ".tiff",
    };

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        var dihedral = false;
        var json = false;
        var paths = new List<string>();
        var optionsEnded = false;
        foreach (var arg in args)
        {
            if (optionsEnded || !arg.StartsWith('-') || arg == "-")
            {
                paths.Add(arg);
                continue;
            }

            switch (arg)
            {
                case "--help" or "-h":
                    await stdout.WriteLineAsync(Usage);
                    return 0;
                case "--dihedral":
                    dihedral = true;
                    break;
                case "--json":
                    json = true;
                    break;
                case "--":
                    optionsEnded = true;
                    break;
                default:
                    await stderr.WriteLineAsync($"scanproxy hash: unknown option '{arg}'.");
                    await stderr.WriteLineAsync(Usage);
                    return 2;
            }
        }

        if (paths.Count == 0)
        {
            await stderr.WriteLineAsync("scanproxy hash: no PATH given.");
            await stderr.WriteLineAsync(Usage);
            return 2;
        }

        var failed = false;
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(ImageFilesUnder(path));
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

        failed |= await HashInOrderAsync(files, dihedral, json, stdout, stderr, cancellationToken);
        return failed ? 1 : 0;
    }

    /// <summary>Image files under <paramref name="directory"/>, recursively, in ordinal order of their paths.</summary>
    internal static List<string> ImageFilesUnder(string directory)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true };
        var files = Directory.EnumerateFiles(directory, "*", options).Where(IsImageFile).ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static bool IsImageFile(string path)
    {
        if (s_imageExtensions.Contains(Path.GetExtension(path)))
        {
            return true;
        }

        try
        {
            using var file = File.OpenHandle(path);
            Span<byte> header = stackalloc byte[ImageFormatSniffer.HeaderLength];
            var read = RandomAccess.Read(file, header, 0);
            return ImageFormatSniffer.Detect(header[..read]) != ImageKind.Unknown;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable files with no image extension are not images we were asked about.
            return false;
        }
    }

    /// <summary>
    /// Hashes on up to <see cref="Environment.ProcessorCount"/> threads while a bounded window of finished results waits
    /// for its turn, so output keeps input order and memory stays bounded. Returns whether any file failed.
    /// </summary>
    private static async Task<bool> HashInOrderAsync(
        List<string> files, bool dihedral, bool json, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var parallelism = Environment.ProcessorCount;
        using var slots = new SemaphoreSlim(parallelism);
        var window = new Queue<Task<Outcome>>();
        var failed = false;
        foreach (var file in files)
        {
            if (window.Count >= parallelism * 4)
            {
                failed |= await WriteAsync(await window.Dequeue(), dihedral, json, stdout, stderr);
            }

            await slots.WaitAsync(cancellationToken);
            window.Enqueue(Task.Run(
                () =>
                {
                    try
                    {
                        return HashFile(file, dihedral);
                    }
                    finally
                    {
                        slots.Release();
                    }
                },
                cancellationToken));
        }

        while (window.Count > 0)
        {
            failed |= await WriteAsync(await window.Dequeue(), dihedral, json, stdout, stderr);
        }

        await stdout.FlushAsync(cancellationToken);
        return failed;
    }

    internal static Outcome HashFile(string path, bool dihedral)
    {
        var options = ImageDecodeOptions.Default;
        try
        {
            using var file = File.OpenHandle(path);
            var length = RandomAccess.GetLength(file);
            if (length > options.MaxEncodedBytes)
            {
                return new Outcome(path, default, $"too large: {length} bytes, over the limit of {options.MaxEncodedBytes}");
            }

            var buffer = ArrayPool<byte>.Shared.Rent((int)length);
            try
            {
                var read = 0;
                while (read < length)
                {
                    var n = RandomAccess.Read(file, buffer.AsSpan(read, (int)length - read), read);
                    if (n == 0)
                    {
                        break;
                    }

                    read += n;
                }

                return new Outcome(path, PdqHasher.HashImage(buffer.AsSpan(0, read), options, dihedral), null);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (ImageDecodeException e)
        {
            return new Outcome(path, default, $"{Describe(e.Reason)}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Outcome(path, default, $"cannot read: {e.Message}");
        }
    }

    private static string Describe(ImageDecodeError reason) => reason switch
    {
        ImageDecodeError.Empty => "empty",
        ImageDecodeError.Truncated => "truncated",
        ImageDecodeError.Corrupt => "corrupt",
        ImageDecodeError.Unsupported => "unsupported",
        ImageDecodeError.TooLarge => "too large",
        ImageDecodeError.ZeroSize => "zero size",
        _ => reason.ToString(),
    };

    /// <summary>Writes one result; returns whether it was a failure.</summary>
    private static async Task<bool> WriteAsync(Outcome outcome, bool dihedral, bool json, TextWriter stdout, TextWriter stderr)
    {
        if (outcome.Error is not null)
        {
            await stderr.WriteLineAsync($"{outcome.Path}: {outcome.Error}");
            return true;
        }

        await stdout.WriteLineAsync(json ? FormatJson(outcome, dihedral) : FormatCsv(outcome, dihedral));
        return false;
    }

    private static string FormatCsv(Outcome outcome, bool dihedral)
    {
        var result = outcome.Result;
        var line = new StringBuilder(dihedral ? 600 : 100);
        if (dihedral)
        {
            foreach (var hash in result.Dihedral.AsSpan())
            {
                line.Append(hash.ToString()).Append(',');
            }
        }
        else
        {
            line.Append(result.Hash.ToString()).Append(',');
        }

        line.Append(result.Quality.ToString(CultureInfo.InvariantCulture)).Append(',').Append(CsvField(outcome.Path));
        return line.ToString();
    }

    internal static string CsvField(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : string.Concat("\"", value.Replace("\"", "\"\"", StringComparison.Ordinal), "\"");

    private static string FormatJson(Outcome outcome, bool dihedral)
    {
        var result = outcome.Result;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("path", outcome.Path);
            writer.WriteString(s_variantColumns[0], result.Hash.ToString());
            writer.WriteNumber("quality", result.Quality);
            writer.WriteNumber("width", result.Width);
            writer.WriteNumber("height", result.Height);
            if (dihedral)
            {
                for (var v = 1; v < PdqDihedralHashes.Count; v++)
                {
                    writer.WriteString(s_variantColumns[v], result.Dihedral[v].ToString());
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    internal readonly record struct Outcome(string Path, PdqResult Result, string? Error);
}
