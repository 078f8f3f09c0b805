using Microsoft.Extensions.Configuration;
using ScanProxy.Hosting;

namespace ScanProxy.Zones;

/// <summary>Reads the zones from <c>ScanProxy:Zones</c> and validates them against the names in <c>ScanProxy:HashLists</c>.</summary>
internal static class ZoneConfiguration
{
    /// <summary>The section holding one subsection per zone, keyed by zone name.</summary>
    public const string ZonesSection = "ScanProxy:Zones";

    /// <summary>The section holding one subsection per hash list, keyed by list name.</summary>
    public const string HashListsSection = "ScanProxy:HashLists";

    /// <summary>The zones, validated and indexed.</summary>
    /// <exception cref="InvalidConfigurationException">Something is wrong; every error names its field.</exception>
    public static ZoneSnapshot Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        var errors = new List<ConfigurationError>();
        var zones = new Dictionary<string, ZoneOptions>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in configuration.GetSection(ZonesSection).GetChildren())
        {
            try
            {
                var zone = section.Get<ZoneOptions>();
                if (zone is null)
                {
                    errors.Add(new(section.Path, "the zone is empty; it needs at least Hosts and Origins."));
                }
                else
                {
                    zones.Add(section.Key, zone);
                }
            }
            catch (InvalidOperationException e)
            {
                // The binder's message names the field and the value it could not convert.
                errors.Add(new(section.Path, e.Message));
            }
        }

        var hashLists = new List<string>();
        foreach (var section in configuration.GetSection(HashListsSection).GetChildren())
        {
            hashLists.Add(section.Key);
        }

        errors.AddRange(ZoneValidator.Validate(zones, hashLists));
        return errors.Count == 0 ? new ZoneSnapshot(zones) : throw new InvalidConfigurationException(errors);
    }
}
