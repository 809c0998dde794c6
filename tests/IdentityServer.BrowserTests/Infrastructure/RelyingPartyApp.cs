using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Iess.Identity.BrowserTests.Infrastructure;

/// <summary>
/// A small IESS app that signs people in through IdentityServer the way a real one would: ASP.NET Core's cookie and
/// OpenID Connect handlers (code flow, PKCE, tokens saved, userinfo read), on its own loopback port. It starts before
/// the server (whose client list needs this app's redirect URIs), and learns the authority before its first request.
/// </summary>
public sealed class RelyingPartyApp : IAsyncDisposable
{
    public const string SilentPath = "/silent";
    public const string ProtectedPath = "/protected";
    public const string ErrorPath = "/error";

    private readonly WebApplication app;
    private Uri? authority;

    private RelyingPartyApp(string clientId, WebApplication app)
    {
        ClientId = clientId;
        ClientSecret = $"{clientId}-secret-for-browser-tests-0123456789abcdef";
        this.app = app;
    }

    public string ClientId { get; }

    public string ClientSecret { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<RelyingPartyApp> StartAsync(string clientId)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        RelyingPartyApp? self = null;

        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                // Every app on 127.0.0.1 shares one cookie jar whatever the port, so each names its own cookies.
                o.Cookie.Name = $"{clientId}.session";
                o.Cookie.SameSite = SameSiteMode.Lax;
            })
            .AddOpenIdConnect(o =>
            {
                o.ClientId = clientId;
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.UsePkce = true;
                o.SaveTokens = true;
                o.GetClaimsFromUserInfoEndpoint = true;
                o.RequireHttpsMetadata = false;
                o.MapInboundClaims = false;
                o.TokenValidationParameters.NameClaimType = "name";
                o.Scope.Clear();
                o.Scope.Add("openid");
                o.Scope.Add("profile");
                o.Scope.Add("iess.identity");
                o.ClaimActions.MapUniqueJsonKey("iess_id", "iess_id");
                o.ClaimActions.MapUniqueJsonKey("iess_branch", "iess_branch");
                o.CorrelationCookie.Name = $"{clientId}.correlation.";
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.NonceCookie.Name = $"{clientId}.nonce.";
                o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Events.OnRemoteFailure = context =>
                {
                    // What a real app does with an OAuth error: show it on a page of its own.
                    context.Response.Redirect(ErrorPath + QueryString.Create("message", context.Failure?.Message ?? "unknown"));
                    context.HandleResponse();
                    return Task.CompletedTask;
                };
            });
        builder.Services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme)
            .Configure(o =>
            {
                o.Authority = self?.authority?.ToString() ?? throw new InvalidOperationException("The authority is not known yet.");
                o.ClientSecret = self.ClientSecret;
            });
        builder.Services.AddAuthorization();

        var app = builder.Build();
        self = new RelyingPartyApp(clientId, app);
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGet("/", (HttpContext http) => Html(clientId, http.User.Identity?.IsAuthenticated == true
            ? $"<p id=\"status\">Sesión activa: {Encode(http.User.Identity.Name)}</p>"
            : "<p id=\"status\">No ha iniciado sesión</p>"));
        app.MapGet(ProtectedPath, (HttpContext http) => Html(clientId, $"""
            <h1>Datos de la persona</h1>
            <p id="name">{Encode(http.User.FindFirstValue("name"))}</p>
            <p id="iess-id">{Encode(http.User.FindFirstValue("iess_id"))}</p>
            <p id="iess-branch">{Encode(http.User.FindFirstValue("iess_branch"))}</p>
            <form method="post" action="/logout"><button type="submit">Cerrar sesión</button></form>
            """)).RequireAuthorization();
        app.MapPost("/logout", () => Results.SignOut(
            new AuthenticationProperties { RedirectUri = "/" },
            [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]));
        app.MapGet(SilentPath, () =>
        {
            var properties = new AuthenticationProperties { RedirectUri = ProtectedPath };
            properties.SetParameter(OpenIdConnectParameterNames.Prompt, "none");
            return Results.Challenge(properties, [OpenIdConnectDefaults.AuthenticationScheme]);
        });
        app.MapGet(ErrorPath, (string? message) => Html(clientId, $"<h1>Error</h1><p id=\"error\">{Encode(message)}</p>"));

        await app.StartAsync();
        var address = app.Urls.Single();
        self.BaseAddress = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return self;
    }

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    /// <summary>The app's registration at IdentityServer, as configuration keys for client number <paramref name="index"/>.</summary>
    public IEnumerable<KeyValuePair<string, string>> ClientSettings(int index) =>
        ClientRegistration.Settings(index, ClientId, ClientSecret, BaseAddress, "openid", "profile", "iess.identity");

    /// <summary>Points the app at the started server; call before the app's first sign-in.</summary>
    public void UseAuthority(Uri serverAddress) => authority = serverAddress;

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static IResult Html(string clientId, string body) => Results.Content(
        $"<!DOCTYPE html><html lang=\"es\"><head><meta charset=\"utf-8\"><title>{clientId}</title></head><body>{body}</body></html>",
        "text/html; charset=utf-8");

    private static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");
}
