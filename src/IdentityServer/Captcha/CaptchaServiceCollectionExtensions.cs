namespace Iess.Identity.Captcha;

/// <summary>Registers the configured CAPTCHA verifier and the proof-of-work challenge endpoint.</summary>
public static class CaptchaServiceCollectionExtensions
{
    public static IServiceCollection AddIessCaptcha(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(CaptchaOptions.Section);
        services.AddOptions<CaptchaOptions>().Bind(section).ValidateDataAnnotations()
            .Validate(o => o.Provider == CaptchaProvider.ProofOfWork || (!string.IsNullOrEmpty(o.SiteKey) && !string.IsNullOrEmpty(o.SecretKey)),
                "A hosted CAPTCHA needs Iess:Captcha:SiteKey and Iess:Captcha:SecretKey.")
            .ValidateOnStart();
        services.AddSingleton<ProofOfWorkCaptcha>();
        if ((section.Get<CaptchaOptions>() ?? new CaptchaOptions()).Provider == CaptchaProvider.ProofOfWork)
        {
            services.AddSingleton<ICaptchaVerifier>(provider => provider.GetRequiredService<ProofOfWorkCaptcha>());
        }
        else
        {
            services.AddHttpClient<ICaptchaVerifier, HostedCaptchaVerifier>(client => client.Timeout = TimeSpan.FromSeconds(10));
        }

        return services;
    }

    public static IEndpointRouteBuilder MapCaptchaEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/captcha/challenge", async (ProofOfWorkCaptcha captcha, HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return Results.Json(await captcha.CreateAsync());
        });
        return app;
    }
}
