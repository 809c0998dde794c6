using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Iess.Admin.Hosting;

/// <summary>Wires the console: officer sign-in through IdentityServer (OIDC code + PKCE), pages, health.</summary>
public static class AdminHostingExtensions
{
    public const string CookieName = "iess.admin";
    public static readonly CultureInfo[] SupportedCultures = [new("es-EC"), new("en")];

    public static WebApplicationBuilder AddIessAdmin(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var development = builder.Environment.IsDevelopment();

        services.AddOptions<AdminOptions>()
            .Bind(builder.Configuration.GetSection(AdminOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = false;
                o.AccessDeniedPath = "/Denied";
            })
            .AddOpenIdConnect(o =>
            {
                o.ResponseType = OpenIdConnectResponseType.Code;
                // Query response mode keeps the correlation cookies SameSite=Lax (form_post would need None).
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.UsePkce = true;
                o.SaveTokens = true;
                o.MapInboundClaims = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "iess.identity", "iess.admin", "offline_access" })
                {
                    o.Scope.Add(scope);
                }

                o.TokenValidationParameters.NameClaimType = OfficerRoles.NameClaim;
                o.TokenValidationParameters.RoleClaimType = OfficerRoles.RoleClaim;
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.Events.OnTokenValidated = AddRolesFromAccessToken;
                o.Events.OnRemoteFailure = ShowSignInFailure;
            });

        // Settings come from AdminOptions, so they are applied once options (and the environment) are known.
        services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme)
            .Configure<IOptions<AdminOptions>>((o, admin) =>
            {
                o.Authority = admin.Value.Authority.ToString();
                o.ClientId = admin.Value.ClientId;
                o.ClientSecret = admin.Value.ClientSecret;
                o.RequireHttpsMetadata = admin.Value.RequireHttpsMetadata ?? !development;
                var secure = admin.Value.SecureCookies ?? !development;
                o.CorrelationCookie.SecurePolicy = secure ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                o.NonceCookie.SecurePolicy = o.CorrelationCookie.SecurePolicy;
            });
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AdminOptions>>((o, admin) =>
                o.Cookie.SecurePolicy = (admin.Value.SecureCookies ?? !development) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest);

        services.AddAuthorizationBuilder()
            .AddPolicy(OfficerRoles.OfficerPolicy, p => p.RequireAuthenticatedUser().RequireRole(OfficerRoles.All));

        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.AddRazorPages(o =>
            {
                o.RootDirectory = "/";
                o.Conventions.AuthorizeFolder("/", OfficerRoles.OfficerPolicy);
                o.Conventions.AllowAnonymousToPage("/Shell/SignedOut");
                o.Conventions.AllowAnonymousToPage("/Shell/Denied");
                o.Conventions.AllowAnonymousToPage("/Shell/SignInFailed");
            })
            .AddViewLocalization();
        services.AddAntiforgery(o => o.Cookie.Name = "iess.admin.af");
        services.AddOptions<AntiforgeryOptions>()
            .Configure<IOptions<AdminOptions>>((o, admin) =>
                o.Cookie.SecurePolicy = (admin.Value.SecureCookies ?? !development) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest);
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("es-EC");
            o.SupportedCultures = SupportedCultures;
            o.SupportedUICultures = SupportedCultures;
            o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
        });
        services.AddHealthChecks();
        services.AddAdminApiClient();
        return builder;
    }

    public static WebApplication UseIessAdmin(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error");
            app.UseHsts();
        }

        app.UseRequestLocalization();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapHealthChecks("/health/live").AllowAnonymous();
        app.MapRazorPages();
        return app;
    }

    private static Task AddRolesFromAccessToken(TokenValidatedContext context)
    {
        var accessToken = context.TokenEndpointResponse?.AccessToken;
        var issuer = context.Principal?.FindFirst("iss")?.Value ?? context.Options.Authority ?? "";
        if (context.Principal?.Identity is ClaimsIdentity identity)
        {
            identity.AddClaims(OfficerRoles.FromAccessToken(accessToken, issuer));
        }

        return Task.CompletedTask;
    }

    private static Task ShowSignInFailure(RemoteFailureContext context)
    {
        context.Response.Redirect("/SignInFailed");
        context.HandleResponse();
        return Task.CompletedTask;
    }
}
