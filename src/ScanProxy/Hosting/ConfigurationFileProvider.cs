using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace ScanProxy.Hosting;

/// <summary>
/// Reads the <c>--config</c> JSON file and reloads it when it changes. Unlike the stock JSON provider, a file that
/// cannot be read or parsed on reload (a typo, a half-written save, a deletion) leaves the last good values in
/// place and is reported through <see cref="LastError"/>; at start it throws, naming the file.
/// </summary>
internal sealed class ConfigurationFileProvider : ConfigurationProvider, IDisposable
{
    // Editors write in several steps; the stock provider waits as long before reading.
    private static readonly TimeSpan s_settleDelay = TimeSpan.FromMilliseconds(250);

    private readonly PhysicalFileProvider _directory;
    private readonly IDisposable _watch;
    private bool _loaded;

    public ConfigurationFileProvider(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Path = path;
        _directory = new PhysicalFileProvider(System.IO.Path.GetDirectoryName(path)!);
        var name = System.IO.Path.GetFileName(path);
        _watch = ChangeToken.OnChange(() => _directory.Watch(name), OnFileChanged);
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>Why the last reload was not applied, or null when the file in force is the file on disk.</summary>
    public string? LastError { get; private set; }

    /// <exception cref="InvalidConfigurationException">The first load failed.</exception>
    public override void Load()
    {
        try
        {
            Data = Read(Path);
            LastError = null;
            _loaded = true;
        }
        catch (InvalidConfigurationException e) when (_loaded)
        {
            LastError = e.Errors[0].Message;
        }
    }

    public void Dispose()
    {
        _watch.Dispose();
        _directory.Dispose();
    }

    private void OnFileChanged()
    {
        Thread.Sleep(s_settleDelay);
        Load();
        OnReload();
    }

    private static Dictionary<string, string?> Read(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var parsed = new ConfigurationBuilder().AddJsonStream(stream).Build();
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in parsed.AsEnumerable())
            {
                if (value is not null)
                {
                    data[key] = value;
                }
            }

            return data;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidConfigurationException(new ConfigurationError(path, e.Message));
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidDataException)
        {
            // The parser's own message says "could not parse"; the inner one says where.
            var detail = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            throw new InvalidConfigurationException(new ConfigurationError(path, detail));
        }
    }
}
