using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ScanProxy.Notifications;

/// <summary>Registers detection notifications: the notifier, the senders and the outbox dispatcher.</summary>
internal static class NotificationServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="DetectionNotifier"/> and the <see cref="OutboxDispatcher"/> that delivers its e-mails and webhooks.
    /// Needs an <see cref="Store.IScanProxyStore"/> registered beside it.
    /// </summary>
    public static IServiceCollection AddScanProxyNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>());
        services.AddOptions<NotificationOutboxOptions>().Bind(configuration.GetSection(NotificationOutboxOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationOutboxOptions>, NotificationOutboxOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new WebhookSecrets(configuration));
        services.TryAddSingleton<DetectionNotifier>();

        // No resilience handler: a failed POST goes back to the outbox, whose back-off is durable and shared by all nodes;
        // retrying inside the client as well would multiply attempts and could outlast the message's lease.
        // SendTimeout is the one clock (the client's own timeout is off), and redirects are not followed: a 3xx is a failure,
        // not a reason to send the detection to another address.
        services.AddHttpClient(WebhookSender.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationSender, WebhookSender>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationSender, EmailSender>());
        services.AddHostedService<OutboxDispatcher>();
        return services;
    }
}
