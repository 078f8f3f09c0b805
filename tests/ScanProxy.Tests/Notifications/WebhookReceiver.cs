using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ScanProxy.Tests.Notifications;

/// <summary>
/// A webhook endpoint as an operator would write it, on a real Kestrel listener on 127.0.0.1: it verifies the
/// signature with its own copy of the secret (401 when it does not match) and records every request.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly byte[] _secret;
    private readonly ConcurrentQueue<ReceivedWebhook> _requests = new();
    private int _failuresLeft;

    private WebhookReceiver(WebApplication app, string secret)
    {
        _app = app;
        _secret = Encoding.UTF8.GetBytes(secret);
    }

    /// <summary>The hook's URL; answers 200 unless told to fail.</summary>
    public string Url { get; private set; } = "";

    /// <summary>A URL that answers 302 to another path of this receiver.</summary>
    public string RedirectingUrl => Url.Replace("/hook", "/moved", StringComparison.Ordinal);

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<ReceivedWebhook> Requests => [.. _requests];

    /// <summary>Requests that were answered 200 with a valid signature, by delivery id.</summary>
    public int DeliveredCount(string deliveryId) => Requests.Count(r => r.DeliveryId == deliveryId && r.AnsweredStatus == StatusCodes.Status200OK);

    /// <summary>All requests answered 200.</summary>
    public int DeliveredCount() => Requests.Count(r => r.AnsweredStatus == StatusCodes.Status200OK);

    /// <summary>Answers the next <paramref name="count"/> correctly signed requests with 500.</summary>
    public void FailNext(int count) => Volatile.Write(ref _failuresLeft, count);

    public static async Task<WebhookReceiver> StartAsync(string secret)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, secret);
        app.MapPost("/hook", receiver.HandleAsync);
        app.MapPost("/moved", () => Results.Redirect("/hook"));
        await app.StartAsync();
        receiver.Url = $"{app.Urls.Single()}/hook";
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();

        var expected = Encoding.ASCII.GetBytes("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(_secret, body)));
        var presented = Encoding.ASCII.GetBytes(context.Request.Headers["X-ScanProxy-Signature"].ToString());
        var signatureValid = CryptographicOperations.FixedTimeEquals(expected, presented);

        var status = !signatureValid ? StatusCodes.Status401Unauthorized
            : Interlocked.Decrement(ref _failuresLeft) >= 0 ? StatusCodes.Status500InternalServerError
            : StatusCodes.Status200OK;
        _requests.Enqueue(new ReceivedWebhook(
            context.Request.Headers["X-ScanProxy-Delivery"].ToString(),
            context.Request.ContentType,
            body,
            signatureValid,
            status));
        context.Response.StatusCode = status;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
