using Microsoft.Extensions.Configuration;
using ScanProxy.Hosting;
using ScanProxy.Matching;
using ScanProxy.Zones;

namespace ScanProxy.Scanning.HashLists;

/// <summary>Reads the hash-list definitions from <c>ScanProxy:HashLists</c>, naming the field of each error.</summary>
internal static class HashListConfiguration
{
    /// <summary>The definitions, with relative paths resolved against <paramref name="contentRoot"/>.</summary>
    /// <exception cref="InvalidConfigurationException">A list has no path, no or an unknown kind, or a name that cannot be used.</exception>
    public static IReadOnlyList<HashListDefinition> Load(IConfiguration configuration, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(contentRoot);

        var errors = new List<ConfigurationError>();
        var definitions = new List<HashListDefinition>();
        foreach (var section in configuration.GetSection(ZoneConfiguration.HashListsSection).GetChildren())
        {
            HashListOptions? options;
            try
            {
                options = section.Get<HashListOptions>();
            }
            catch (InvalidOperationException e)
            {
                // The binder's message names the value it could not convert (an unknown Kind).
                errors.Add(new($"{section.Path}:Kind", $"{e.Message} Expected one of {string.Join(", ", Enum.GetNames<HashListKind>())}."));
                continue;
            }

            var before = errors.Count;
            ValidateName(section.Key, section.Path, errors);
            if (string.IsNullOrWhiteSpace(options?.Path))
            {
                errors.Add(new($"{section.Path}:Path", "a hash list needs the path of its file."));
            }

            if (options?.Kind is not { } kind || !Enum.IsDefined(kind))
            {
                errors.Add(new($"{section.Path}:Kind", $"a hash list needs a kind: one of {string.Join(", ", Enum.GetNames<HashListKind>())}."));
            }

            if (errors.Count == before)
            {
                definitions.Add(new HashListDefinition(section.Key, Path.GetFullPath(options!.Path, contentRoot), options.Kind!.Value));
            }
        }

        return errors.Count == 0 ? definitions : throw new InvalidConfigurationException(errors);
    }

    private static void ValidateName(string name, string field, List<ConfigurationError> errors)
    {
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                // The name goes into admin API paths and metric labels.
                errors.Add(new(field, $"the hash list name '{name}' may only contain letters, digits, '-', '_' and '.'."));
                return;
            }
        }
    }
}
