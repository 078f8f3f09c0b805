using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;

namespace ScanProxy.Hosting;

/// <summary>
/// The admin listener (SPEC §7) from <c>ScanProxy:Admin:Url</c>: plain HTTP on an IP address, <c>localhost</c> or
/// <c>*</c>, never on the edge's endpoints. Its connections carry <see cref="AdminConnectionFeature"/>.
/// </summary>
internal sealed class AdminListener
{
    /// <summary>The configuration key of the admin URL.</summary>
    public const string UrlKey = "ScanProxy:Admin:Url";

    /// <summary>Where the admin listener is when nothing is configured: loopback only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:9090";

    private readonly IPAddress? _address;
    private readonly bool _localhost;

    private AdminListener(IPAddress? address, bool localhost, int port)
    {
        _address = address;
        _localhost = localhost;
        Port = port;
    }

    /// <summary>The admin port.</summary>
    public int Port { get; }

    /// <exception cref="InvalidConfigurationException"><c>ScanProxy:Admin:Url</c> is not a usable listener URL.</exception>
    public static AdminListener FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var url = configuration[UrlKey];
        url = string.IsNullOrWhiteSpace(url) ? DefaultUrl : url.Trim();

        // Kestrel's "any address" spellings are not valid URI hosts.
        var anyAddress = url.StartsWith("http://*:", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://+:", StringComparison.OrdinalIgnoreCase);
        var parsable = anyAddress ? "http://0.0.0.0:" + url["http://*:".Length..] : url;
        if (!Uri.TryCreate(parsable, UriKind.Absolute, out var uri)
            || uri.Scheme != Uri.UriSchemeHttp
            || uri.AbsolutePath != "/"
            || uri.Query.Length > 0
            || uri.UserInfo.Length > 0)
        {
            throw Invalid($"'{url}' is not an http URL of the form http://ADDRESS:PORT (https is not supported on the admin listener).");
        }

        if (anyAddress)
        {
            return new AdminListener(null, localhost: false, uri.Port);
        }

        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new AdminListener(null, localhost: true, uri.Port);
        }

        return IPAddress.TryParse(uri.Host, out var address)
            ? new AdminListener(address, localhost: false, uri.Port)
            : throw Invalid($"'{uri.Host}' is not an IP address, localhost or *; the admin listener binds to an address, not a name.");
    }

    /// <summary>Adds the admin endpoint to Kestrel.</summary>
    public void Listen(KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        if (_localhost)
        {
            kestrel.ListenLocalhost(Port, Mark);
        }
        else if (_address is null)
        {
            kestrel.ListenAnyIP(Port, Mark);
        }
        else
        {
            kestrel.Listen(_address, Port, Mark);
        }
    }

    private static void Mark(ListenOptions listen) =>
        listen.Use(next => connection =>
        {
            connection.Features.Set(AdminConnectionFeature.Instance);
            return next(connection);
        });

    private static InvalidConfigurationException Invalid(string message) => new(new ConfigurationError(UrlKey, message));
}
