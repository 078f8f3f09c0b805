using System.Globalization;

namespace ScanProxy.Admin;

/// <summary>Where the admin listener is, so admin endpoints answer there and never on the edge.</summary>
internal static class AdminListener
{
    /// <summary>The admin URL as a <see cref="Uri"/>; throws with the field named when it is not an absolute http(s) URL.</summary>
    public static Uri Parse(AdminOptions options)
    {
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"{AdminOptions.SectionName}:Url must be an absolute http(s) URL; got '{options.Url}'.");
        }

        return uri;
    }

    /// <summary>A host pattern for <c>RequireHost</c> that matches any host name on the admin port.</summary>
    public static string HostPattern(AdminOptions options) => "*:" + Parse(options).Port.ToString(CultureInfo.InvariantCulture);
}
