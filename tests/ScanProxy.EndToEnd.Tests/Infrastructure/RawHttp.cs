using System.Net.Sockets;
using System.Text;

namespace ScanProxy.EndToEnd.Tests.Infrastructure;

/// <summary>
/// HTTP/1.1 written by hand over TCP, for request targets and Host headers exactly as given: HttpClient would
/// normalise <c>/a/../b</c>, <c>%7e</c> and a trailing dot before they left the test.
/// </summary>
internal static class RawHttp
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    /// <summary>Sends one request (with <c>Connection: close</c>) and reads the whole response.</summary>
    public static async Task<RawResponse> SendAsync(int port, string method, string target, string host, params string[] headers)
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, timeout.Token);
        await using var stream = client.GetStream();

        var request = new StringBuilder()
            .Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(host).Append("\r\n");
        foreach (var header in headers)
        {
            request.Append(header).Append("\r\n");
        }

        request.Append("Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), timeout.Token);

        using var response = new MemoryStream();
        await stream.CopyToAsync(response, timeout.Token);
        return RawResponse.Parse(Encoding.UTF8.GetString(response.ToArray()));
    }
}

/// <summary>A response read by <see cref="RawHttp"/>.</summary>
internal sealed record RawResponse(int StatusCode, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public static RawResponse Parse(string text)
    {
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = headEnd < 0 ? text : text[..headEnd];
        var lines = head.Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }

        return new RawResponse(status, headers, headEnd < 0 ? "" : text[(headEnd + 4)..]);
    }
}
