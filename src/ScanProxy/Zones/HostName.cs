namespace ScanProxy.Zones;

/// <summary>Host-header arithmetic shared by zone matching and blocking, on spans so the request path does not allocate.</summary>
internal static class HostName
{
    /// <summary>The host of a Host header value without its port and without one trailing dot.</summary>
    public static ReadOnlySpan<char> Normalize(ReadOnlySpan<char> hostHeader)
    {
        var host = WithoutPort(hostHeader);
        return host.Length > 1 && host[^1] == '.' ? host[..^1] : host;
    }

    /// <summary>The host of a Host header value without its port; an IPv6 literal keeps its brackets.</summary>
    public static ReadOnlySpan<char> WithoutPort(ReadOnlySpan<char> hostHeader)
    {
        if (hostHeader.Length > 0 && hostHeader[0] == '[')
        {
            var end = hostHeader.IndexOf(']');
            return end < 0 ? hostHeader : hostHeader[..(end + 1)];
        }

        var colon = hostHeader.IndexOf(':');
        return colon < 0 ? hostHeader : hostHeader[..colon];
    }
}
