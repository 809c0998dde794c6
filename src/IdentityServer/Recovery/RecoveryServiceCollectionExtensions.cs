namespace Iess.Identity.Recovery;

/// <summary>Registers the recovery flow, its server secrets and the security-image endpoint.</summary>
public static class RecoveryServiceCollectionExtensions
{
    public static IServiceCollection AddIessRecovery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RecoveryOptions>().Bind(configuration.GetSection(RecoveryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ServerSecrets>();
        services.AddSingleton<PublicAddress>();
        services.AddScoped<FlowStore>();
        services.AddScoped<RecoveryService>();
        services.AddScoped<ActivationService>();
        services.AddScoped<RecoveryMetrics>();
        services.AddScoped<SecurityProfile>();
        return services;
    }

    public static IEndpointRouteBuilder MapRecoveryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/Recovery/Images/{id:int}.svg", (int id, HttpContext http) =>
        {
            if (SecurityImages.Find(id) is not { } image)
            {
                return Results.NotFound();
            }

            http.Response.Headers.CacheControl = "public, max-age=86400";
            return Results.Text(image.Svg, "image/svg+xml");
        });
        return app;
    }
}
