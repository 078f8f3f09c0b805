using Microsoft.Extensions.Configuration;

namespace ScanProxy.Hosting;

/// <summary>The JSON file given with <c>--config</c>, watched for changes (see <see cref="ConfigurationFileProvider"/>).</summary>
internal sealed class ConfigurationFileSource : IConfigurationSource
{
    /// <summary>The file's full path.</summary>
    public required string Path { get; init; }

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new ConfigurationFileProvider(Path);
}
