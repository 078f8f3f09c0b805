using System.Net;
using System.Net.Sockets;

namespace ScanProxy.EndToEnd.Tests.Infrastructure;

/// <summary>Free loopback ports, found by binding port 0 and releasing it.</summary>
internal static class FreePort
{
    /// <summary>A port nothing listens on now. Another process may take it before it is used; callers retry.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
