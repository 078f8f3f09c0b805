using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ScanProxy.Store;

namespace ScanProxy.Notifications;

/// <summary>
/// POSTs the detection JSON to a webhook, signed with the webhook's secret. Any 2xx answer is a delivery; anything else
/// (including a redirect, which is not followed) throws so that the outbox retries.
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory httpClientFactory, WebhookSecrets secrets) : INotificationSender
{
    /// <summary>The name of the <see cref="HttpClient"/> that webhooks are sent with.</summary>
    public const string HttpClientName = "ScanProxy.Notifications.Webhook";

    public string Channel => NotificationChannels.Webhook;

    public async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);

        var detection = JsonSerializer.Deserialize(message.Payload, NotificationJsonContext.Default.DetectionRecord)
            ?? throw new NotificationDeliveryException($"Outbox message {message.Id} has no detection in its payload.");
        var secret = secrets.Find(detection.Zone, message.Recipient)
            ?? throw new NotificationDeliveryException(
                $"No secret is configured for this webhook in zone {detection.Zone} (ScanProxy:Zones:{detection.Zone}:Notify:Webhooks); the message waits until one is.");

        var body = Encoding.UTF8.GetBytes(message.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, message.Recipient)
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(NotificationHeaders.Signature, WebhookSignature.Compute(Encoding.UTF8.GetBytes(secret), body));
        request.Headers.Add(NotificationHeaders.Delivery, message.Id);

        using var client = httpClientFactory.CreateClient(HttpClientName);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new NotificationDeliveryException($"The webhook answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }
    }
}
