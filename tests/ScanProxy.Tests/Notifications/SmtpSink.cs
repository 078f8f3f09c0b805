using System.Net;
using System.Net.Sockets;
using netDumbster.smtp;

namespace ScanProxy.Tests.Notifications;

/// <summary>A real SMTP server (netDumbster) on 127.0.0.1 that keeps what it receives; it can be started after a port is chosen.</summary>
internal sealed class SmtpSink : IDisposable
{
    private SimpleSmtpServer? _server;

    public SmtpSink()
    {
        // netDumbster's own free-port search binds every interface; tests stay on loopback.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public int Port { get; }

    public IReadOnlyList<SmtpMessage> Received => _server?.ReceivedEmail ?? [];

    public SmtpSink Start()
    {
        _server = Configuration.Configure().WithAddress(IPAddress.Loopback).WithPort(Port).Build();
        return this;
    }

    public void Dispose() => _server?.Stop();
}
