using System.Net;
using Duende.IdentityModel.Client;
using Duende.IdentityModel.OidcClient;
using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Connect;

public sealed class AuthorizationCodeAttackTests(IessServerFixture server) : IClassFixture<IessServerFixture>
{
    private const string EvilRedirectUri = "https://evil.example/callback";

    private Uri Server => server.BaseAddress;

    [Fact]
    public async Task ReusedCode_IsRefused_AndRevokesTheTokensOfTheFirstRedemption()
    {
        var (request, code) = await CodeForAsync(RelyingParty.Web(Server), DemoAccounts.ConfidentialRedirectUri);
        using var http = new HttpClient();

        var first = await RedeemAsync(http, request, code, DemoAccounts.ConfidentialClientId, DemoAccounts.ConfidentialClientSecret);
        Assert.False(first.IsError, first.Error);
        Assert.True(await IsActiveAsync(http, first.AccessToken!));
        Assert.True(await IsActiveAsync(http, first.RefreshToken!));

        var replay = await RedeemAsync(http, request, code, DemoAccounts.ConfidentialClientId, DemoAccounts.ConfidentialClientSecret);
        Assert.Equal("invalid_grant", replay.Error);
        Assert.Null(replay.AccessToken);

        Assert.False(await IsActiveAsync(http, first.AccessToken!));
        Assert.False(await IsActiveAsync(http, first.RefreshToken!));
        var refresh = await http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = new Uri(Server, "/connect/token").ToString(),
            ClientId = DemoAccounts.ConfidentialClientId,
            ClientSecret = DemoAccounts.ConfidentialClientSecret,
            RefreshToken = first.RefreshToken!,
        });
        Assert.Equal("invalid_grant", refresh.Error);
    }

    [Fact]
    public async Task WrongPkceVerifier_IsRefusedWithInvalidGrant()
    {
        var (request, code) = await CodeForAsync(RelyingParty.Spa(Server), DemoAccounts.PublicRedirectUri);
        using var http = new HttpClient();
        var forged = new AuthorizeState { CodeVerifier = new string('x', 43) + "forged", RedirectUri = request.RedirectUri };

        var stolen = await RedeemAsync(http, forged, code, DemoAccounts.PublicClientId, null);

        Assert.Equal("invalid_grant", stolen.Error);
        Assert.Null(stolen.AccessToken);
    }

    [Fact]
    public async Task UnregisteredRedirectUri_ShowsAnErrorPage_AndNeverRedirectsThere()
    {
        using var browser = await SignedInBrowserAsync();
        var url = "/connect/authorize?" + string.Join('&',
            "client_id=" + DemoAccounts.PublicClientId,
            "redirect_uri=" + Uri.EscapeDataString(EvilRedirectUri),
            "response_type=code", "scope=openid", "state=s1", "nonce=n1",
            "code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method=S256");

        var step = await browser.NavigateAsync(url, EvilRedirectUri);

        Assert.Null(step.Callback);
        Assert.DoesNotContain(step.Redirects, r => r.Host == "evil.example");
        Assert.Equal(HttpStatusCode.BadRequest, step.Status);
        Assert.Contains("<html", step.Html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PlainCodeChallengeMethod_IsRefusedWithoutACode_EvenWithALiveSession()
    {
        using var browser = await SignedInBrowserAsync();
        var url = "/connect/authorize?" + string.Join('&',
            "client_id=" + DemoAccounts.PublicClientId,
            "redirect_uri=" + Uri.EscapeDataString(DemoAccounts.PublicRedirectUri),
            "response_type=code", "scope=openid", "state=s2", "nonce=n2",
            "code_challenge=" + new string('a', 43), "code_challenge_method=plain");

        var step = await browser.NavigateAsync(url, DemoAccounts.PublicRedirectUri);

        // OpenIddict checks the challenge method before the redirect_uri, so the refusal is its error page.
        Assert.DoesNotContain(step.Redirects, r => r.Query.Contains("code=", StringComparison.Ordinal));
        Assert.Null(step.Callback);
        Assert.Equal(HttpStatusCode.BadRequest, step.Status);
        Assert.Contains("invalid_request", step.Text);
    }

    private async Task<BrowserlessSignIn> SignedInBrowserAsync()
    {
        var browser = new BrowserlessSignIn(Server);
        await CodeForAsync(RelyingParty.Spa(Server), DemoAccounts.PublicRedirectUri, browser);
        return browser;
    }

    private async Task<(AuthorizeState Request, string Code)> CodeForAsync(OidcClient app, string redirectUri, BrowserlessSignIn? browser = null)
    {
        using var own = browser is null ? new BrowserlessSignIn(Server) : null;
        var request = await app.PrepareLoginAsync();
        var callback = await (browser ?? own!).AuthorizeAsync(request.StartUrl, redirectUri, SignInAnswers.Affiliate);
        return (request, ConnectScenarios.Query(callback)["code"]);
    }

    private Task<TokenResponse> RedeemAsync(HttpClient http, AuthorizeState request, string code, string clientId, string? secret) =>
        http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = new Uri(Server, "/connect/token").ToString(),
            ClientId = clientId,
            ClientSecret = secret,
            Code = code,
            RedirectUri = request.RedirectUri,
            CodeVerifier = request.CodeVerifier,
        });

    private async Task<bool> IsActiveAsync(HttpClient http, string token)
    {
        var result = await http.IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = new Uri(Server, "/connect/introspect").ToString(),
            ClientId = DemoAccounts.ConfidentialClientId,
            ClientSecret = DemoAccounts.ConfidentialClientSecret,
            Token = token,
        });
        Assert.False(result.IsError, result.Error);
        return result.IsActive;
    }
}
