namespace Iess.Identity.Messaging;

/// <summary>Registers the outbox, its dispatcher and the email and SMS senders for the configured mode.</summary>
public static class MessagingServiceCollectionExtensions
{
    public static IServiceCollection AddIessMessaging(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection(MessagingOptions.Section);
        services.AddOptions<MessagingOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart()
            .PostConfigure(o => o.Mode ??= environment.IsDevelopment() ? DeliveryMode.Capture : DeliveryMode.Deliver);
        var mode = section.GetValue<DeliveryMode?>("Mode") ?? (environment.IsDevelopment() ? DeliveryMode.Capture : DeliveryMode.Deliver);

        services.AddScoped<MessageOutbox>();
        if (mode == DeliveryMode.Capture)
        {
            services.AddSingleton<CapturingSender>();
            services.AddSingleton<IEmailSender>(provider => provider.GetRequiredService<CapturingSender>());
            services.AddSingleton<ISmsSender>(provider => provider.GetRequiredService<CapturingSender>());
        }
        else
        {
            services.AddSingleton<IEmailSender, SmtpEmailSender>();
            services.AddHttpClient<ISmsSender, HttpSmsSender>(client => client.Timeout = TimeSpan.FromSeconds(15));
        }

        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboxDispatcher>());
        return services;
    }
}
