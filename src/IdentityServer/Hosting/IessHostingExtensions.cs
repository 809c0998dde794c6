using System.Globalization;
using System.Net;
using Iess.Identity.Accounts;
using Iess.Identity.AdminApi;
using Iess.Identity.Audit;
using Iess.Identity.Captcha;
using Iess.Identity.Connect;
using Iess.Identity.Data;
using Iess.Identity.Employers;
using Iess.Identity.Enrolment;
using Iess.Identity.Login;
using Iess.Identity.Messaging;
using Iess.Identity.Profile;
using Iess.Identity.Recovery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;

namespace Iess.Identity.Hosting;

/// <summary>Wires every feature into the host: one <c>AddX()</c> per feature, then the middleware pipeline.</summary>
public static class IessHostingExtensions
{
    public static readonly CultureInfo[] SupportedCultures = [new("es-EC"), new("en")];

    public static WebApplicationBuilder AddIessIdentity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var environment = builder.Environment;

        // First, so migrations run before any other hosted service (data protection reads its keys at start).
        services.AddHostedService<StartupTasks.Runner>();

        services.AddOptions<HostingOptions>()
            .Bind(configuration.GetSection(HostingOptions.Section))
            .PostConfigure(o => o.SecureCookies = configuration.GetValue<bool?>($"{HostingOptions.Section}:SecureCookies") ?? !environment.IsDevelopment());
        var hosting = configuration.GetSection(HostingOptions.Section).Get<HostingOptions>() ?? new HostingOptions();
        if (hosting.JsonLogs)
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole();
        }

        // Request URLs can carry one-time secrets (an email link's token), and the host's own request lines print the
        // whole URL at Information: they are replaced by HTTP logging of method, path, status and duration only.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        services.AddHttpLogging(o =>
        {
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });

        services.AddSingleton(TimeProvider.System);
        services.AddIessData(configuration, environment);
        services.AddIessRateCounters(configuration);
        services.AddIessAccounts(configuration, environment);
        services.AddIessConnect(configuration, environment);
        services.AddIessDiscoveryCache();
        services.AddIessLogin(configuration);
        services.AddIessMessaging(configuration, environment);
        services.AddIessCaptcha(configuration);
        services.AddIessRecovery(configuration);
        services.AddIessEmployers();
        services.AddIessProfile();
        services.AddIessAdminApi();
        services.AddIessEnrolment(configuration);
        services.AddSingleton<AuditLog>();
        services.AddSingleton<IessMetrics>();
        services.Configure<MaintenanceOptions>(configuration.GetSection(MaintenanceOptions.Section));
        services.AddSingleton<MaintenanceSchedule>();
        services.AddScoped<StartupTasks>();

        services.AddDataProtection().SetApplicationName("IessIdentity").PersistKeysToDbContext<IessDbContext>();
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        // Spanish text stays readable in the HTML (á, ñ, ¿); markup characters are still encoded.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddRazorPages(o =>
            {
                o.RootDirectory = "/";
                o.Conventions.ConfigureFilter(new PageRequestFilter());
            })
            .AddViewLocalization()
            .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(SharedResource)));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "iess.af";
            o.FormFieldName = "__af";
        });
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("es-EC");
            o.SupportedCultures = SupportedCultures;
            o.SupportedUICultures = SupportedCultures;
            o.RequestCultureProviders = [new UiLocalesCultureProvider(), new CookieRequestCultureProvider()];
        });
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            // Empty lists of known proxies and networks would trust X-Forwarded-* from anyone (a spoofed host in the
            // issuer and redirects, a spoofed client address for the per-address limits): without a configured
            // proxy the headers are not read at all.
            o.ForwardedHeaders = hosting.TrustedProxies.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in hosting.TrustedProxies)
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });

        services.AddHealthChecks().AddDbContextCheck<IessDbContext>("database", tags: ["ready"]);
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(IessMetrics.MeterName).AddAspNetCoreInstrumentation();
            if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            {
                metrics.AddOtlpExporter();
            }
        });
        services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o =>
        {
            o.ValueLengthLimit = 16 * 1024;
            o.KeyLengthLimit = 256;
            o.ValueCountLimit = 200;
        });
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);
        return builder;
    }

    public static WebApplication UseIessIdentity(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseHttpLogging();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        var captcha = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CaptchaOptions>>().Value;
        app.UseSecurityHeaders(SecurityHeaders.Policy(app.Environment, CaptchaOptions.WidgetOrigin(captcha.Provider)));
        app.UseExceptionHandler("/Error/500");
        // Discovery and JWKS from memory: after the forwarded headers (scheme/host/path base of the key), logging,
        // HSTS, security headers and the exception handler; before localization, maintenance (which exempts them),
        // the guards, routing, authentication (where OpenIddict runs) and antiforgery. A miss runs all of them.
        app.UseIessDiscoveryCache();
        // People get the Spanish error page; the admin API answers problem details (RFC 9457) instead.
        app.UseWhen(AdminApiExtensions.IsAdminApi, api => api.UseStatusCodePages(AdminProblems.ForStatusCode));
        app.UseWhen(http => !AdminApiExtensions.IsAdminApi(http), pages => pages.UseStatusCodePagesWithReExecute("/Error/{0}"));
        app.UseRequestLocalization();
        app.UseMiddleware<MaintenanceGate>();
        app.UseMiddleware<BadRequestGuard>();
        app.UseAdminApiBodyRules();
        app.UseMiddleware<DatabaseOutageGuard>();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseMiddleware<ReturnUrlGuard>();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new()
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResultStatusCodes = { [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable },
        });
        app.MapGet("/Language", (HttpContext http) =>
        {
            // Only a supported culture and a local path, each given once; anything else is refused and sets no cookie.
            var query = http.Request.Query;
            var culture = query["culture"];
            var returnUrl = query["returnUrl"];
            var chosen = culture.Count == 1 ? SupportedCultures.FirstOrDefault(c => c.Name == culture[0])?.Name : null;
            if (chosen is null || returnUrl.Count > 1 || (returnUrl.Count == 1 && !ReturnUrlGuard.IsLocal(returnUrl[0])))
            {
                return Results.StatusCode(StatusCodes.Status400BadRequest);
            }

            http.Response.Cookies.Append(
                CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
                new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, MaxAge = TimeSpan.FromDays(365) });
            return Results.LocalRedirect(returnUrl.Count == 1 ? returnUrl[0]! : "/");
        });
        app.MapConnectEndpoints();
        app.MapCaptchaEndpoints();
        app.MapRecoveryEndpoints();
        app.MapAdminApi();
        app.MapRazorPages();
        return app;
    }
}
