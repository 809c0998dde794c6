using System.IdentityModel.Tokens.Jwt;
using System.Net;
using Duende.IdentityModel.Client;
using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Connect;

public sealed class AuthorizationCodeFlowTests(IessServerFixture server) : IClassFixture<IessServerFixture>
{
    private Uri Server => server.BaseAddress;

    [Fact]
    public Task PublicClient_CodePkceRefreshUserInfoAndLogout_WorkEndToEnd() =>
        ConnectScenarios.PublicClientFullJourneyAsync(Server);

    [Fact]
    public async Task ConfidentialClient_WithExplicitConsent_ShowsConsentOnceThenIssuesRotatingTokens()
    {
        var app = RelyingParty.Web(Server);
        using var browser = new BrowserlessSignIn(Server);
        var request = await app.PrepareLoginAsync();

        var loginPage = await browser.NavigateAsync(request.StartUrl, DemoAccounts.ConfidentialRedirectUri);
        Assert.Equal("/Login", loginPage.Address.AbsolutePath);
        var consent = await browser.SubmitPasswordAsync(loginPage, DemoAccounts.AffiliateCedula, DemoAccounts.AffiliatePassword, DemoAccounts.ConfidentialRedirectUri);
        Assert.Null(consent.Callback);
        Assert.Equal("/Connect/Consent", consent.Address.AbsolutePath);
        Assert.Contains("Aplicación de demostración (web)", consent.Text);

        var callback = (await browser.SubmitAsync(consent, new Dictionary<string, string?>(), DemoAccounts.ConfidentialRedirectUri, "Accept")).Callback;
        Assert.NotNull(callback);
        Assert.Equal(await ConnectScenarios.IssuerAsync(Server), ConnectScenarios.Query(callback)["iss"]);
        var login = await app.ProcessResponseAsync(callback.ToString(), request);
        Assert.False(login.IsError, login.Error + " " + login.ErrorDescription);
        Assert.DoesNotContain(DemoAccounts.AffiliateCedula, login.User.FindFirst("sub")!.Value);

        var refreshed = await app.RefreshTokenAsync(login.RefreshToken);
        Assert.False(refreshed.IsError, refreshed.Error + " " + refreshed.ErrorDescription);
        Assert.NotEqual(login.RefreshToken, refreshed.RefreshToken);
        var userInfo = await ConnectScenarios.UserInfoAsync(Server, refreshed.AccessToken);
        Assert.Equal(DemoAccounts.AffiliateCedula, userInfo.GetProperty("iess_id").GetString());
        Assert.Equal(login.User.FindFirst("sub")!.Value, userInfo.GetProperty("sub").GetString());

        // The consent is remembered: the next authorization goes straight back to the app.
        var again = await app.PrepareLoginAsync();
        var second = await browser.NavigateAsync(again.StartUrl, DemoAccounts.ConfidentialRedirectUri);
        Assert.NotNull(second.Callback);
        Assert.False((await app.ProcessResponseAsync(second.Callback.ToString(), again)).IsError);
    }

    [Fact]
    public async Task PromptLogin_WithLiveSession_ShowsTheFormAgainAndThenCompletes()
    {
        var app = RelyingParty.Spa(Server);
        using var browser = await SignedInBrowserAsync(app);

        var request = await app.PrepareLoginAsync(new Parameters { { "prompt", "login" } });
        var form = await browser.NavigateAsync(request.StartUrl, DemoAccounts.PublicRedirectUri);
        Assert.Null(form.Callback);
        Assert.Equal("/Login", form.Address.AbsolutePath);

        var done = await browser.SubmitPasswordAsync(form, DemoAccounts.AffiliateCedula, DemoAccounts.AffiliatePassword, DemoAccounts.PublicRedirectUri);
        Assert.NotNull(done.Callback);
        Assert.False((await app.ProcessResponseAsync(done.Callback.ToString(), request)).IsError);
    }

    [Fact]
    public async Task PromptLogin_InsideAPushedRequest_ShowsTheFormOnceAndThenCompletes()
    {
        var app = RelyingParty.Create(Server, DemoAccounts.PublicClientId, null, DemoAccounts.PublicRedirectUri, "openid", pushedAuthorization: true);
        using var browser = await SignedInBrowserAsync(RelyingParty.Spa(Server));

        var request = await app.PrepareLoginAsync(new Parameters { { "prompt", "login" } });
        Assert.Contains("request_uri=", request.StartUrl);
        Assert.DoesNotContain("prompt=", request.StartUrl);
        var form = await browser.NavigateAsync(request.StartUrl, DemoAccounts.PublicRedirectUri);
        Assert.Equal("/Login", form.Address.AbsolutePath);

        var done = await browser.SubmitPasswordAsync(form, DemoAccounts.AffiliateCedula, DemoAccounts.AffiliatePassword, DemoAccounts.PublicRedirectUri);
        Assert.True(done.Callback is not null, $"Not back at the app but on {done.Address}: {done.Text}");
        var login = await app.ProcessResponseAsync(done.Callback.ToString(), request);
        Assert.False(login.IsError, login.Error + " " + login.ErrorDescription);

        // That sign-in answered that request only: the next prompt=login asks for the password again.
        var next = await app.PrepareLoginAsync(new Parameters { { "prompt", "login" } });
        var again = await browser.NavigateAsync(next.StartUrl, DemoAccounts.PublicRedirectUri);
        Assert.Null(again.Callback);
        Assert.Equal("/Login", again.Address.AbsolutePath);
    }

    [Fact]
    public async Task MaxAgeZero_ForExplicitConsentClient_ReauthenticatesThenConsentsThenCompletes()
    {
        var app = RelyingParty.Web(Server, "openid profile");
        using var browser = await SignedInBrowserAsync(RelyingParty.Spa(Server));

        var request = await app.PrepareLoginAsync(new Parameters { { "max_age", "0" } });
        var form = await browser.NavigateAsync(request.StartUrl, DemoAccounts.ConfidentialRedirectUri);
        Assert.Equal("/Login", form.Address.AbsolutePath);
        var consent = await browser.SubmitPasswordAsync(form, DemoAccounts.SecondAffiliateCedula, DemoAccounts.SecondAffiliatePassword, DemoAccounts.ConfidentialRedirectUri);
        Assert.Equal("/Connect/Consent", consent.Address.AbsolutePath);
        var done = await browser.SubmitAsync(consent, new Dictionary<string, string?>(), DemoAccounts.ConfidentialRedirectUri, "Accept");

        Assert.True(done.Callback is not null, $"Not back at the app but on {done.Address}: {done.Text}");
        Assert.False((await app.ProcessResponseAsync(done.Callback.ToString(), request)).IsError);
    }

    [Fact]
    public async Task PromptConsent_WithConsentAlreadyGiven_AsksAgainOnceThenCompletes()
    {
        var app = RelyingParty.Web(Server, "openid");
        using var browser = new BrowserlessSignIn(Server);
        var first = await app.PrepareLoginAsync();
        var callback = await browser.AuthorizeAsync(first.StartUrl, DemoAccounts.ConfidentialRedirectUri, SignInAnswers.Employer("0001"));
        Assert.False((await app.ProcessResponseAsync(callback.ToString(), first)).IsError);

        var request = await app.PrepareLoginAsync(new Parameters { { "prompt", "consent" } });
        var consent = await browser.NavigateAsync(request.StartUrl, DemoAccounts.ConfidentialRedirectUri);
        Assert.Equal("/Connect/Consent", consent.Address.AbsolutePath);
        var done = await browser.SubmitAsync(consent, new Dictionary<string, string?>(), DemoAccounts.ConfidentialRedirectUri, "Accept");

        Assert.True(done.Callback is not null, $"Not back at the app but on {done.Address}: {done.Text}");
        Assert.False((await app.ProcessResponseAsync(done.Callback.ToString(), request)).IsError);
    }

    [Fact]
    public async Task ConsentDenied_ReturnsAccessDeniedToTheApp_WithoutACode()
    {
        var app = RelyingParty.Web(Server, "openid phone");
        using var browser = new BrowserlessSignIn(Server);
        var request = await app.PrepareLoginAsync();
        var form = await browser.NavigateAsync(request.StartUrl, DemoAccounts.ConfidentialRedirectUri);
        var consent = await browser.SubmitPasswordAsync(form, DemoAccounts.SecondAffiliateCedula, DemoAccounts.SecondAffiliatePassword, DemoAccounts.ConfidentialRedirectUri);
        Assert.Equal("/Connect/Consent", consent.Address.AbsolutePath);

        var denied = await browser.SubmitAsync(consent, new Dictionary<string, string?>(), DemoAccounts.ConfidentialRedirectUri, "Deny");

        Assert.NotNull(denied.Callback);
        var response = ConnectScenarios.Query(denied.Callback);
        Assert.Equal("access_denied", response["error"]);
        Assert.Equal(request.State, response["state"]);
        Assert.False(response.ContainsKey("code"));
    }

    [Fact]
    public async Task MaxAgeZero_WithLiveSession_ForcesReauthenticationAndThenCompletes()
    {
        var app = RelyingParty.Spa(Server);
        using var browser = await SignedInBrowserAsync(app);

        var request = await app.PrepareLoginAsync(new Parameters { { "max_age", "0" } });
        var form = await browser.NavigateAsync(request.StartUrl, DemoAccounts.PublicRedirectUri);
        Assert.Null(form.Callback);
        Assert.Equal("/Login", form.Address.AbsolutePath);

        var done = await browser.SubmitPasswordAsync(form, DemoAccounts.AffiliateCedula, DemoAccounts.AffiliatePassword, DemoAccounts.PublicRedirectUri);
        Assert.NotNull(done.Callback);
        var login = await app.ProcessResponseAsync(done.Callback.ToString(), request);
        Assert.False(login.IsError, login.Error + " " + login.ErrorDescription);
    }

    [Fact]
    public async Task LoginHint_PrefillsTheIdentifier()
    {
        var app = RelyingParty.Spa(Server);
        using var browser = new BrowserlessSignIn(Server);
        var request = await app.PrepareLoginAsync(new Parameters { { "login_hint", DemoAccounts.SecondAffiliateCedula } });

        var form = await browser.NavigateAsync(request.StartUrl, DemoAccounts.PublicRedirectUri);

        Assert.Equal("/Login", form.Address.AbsolutePath);
        Assert.Equal(DemoAccounts.SecondAffiliateCedula, form.InputValue("Input.Identifier"));
    }

    [Fact]
    public async Task UiLocalesEnglish_ShowsTheEnglishForm_AndSpanishIsTheDefault()
    {
        var app = RelyingParty.Spa(Server);
        using var browser = new BrowserlessSignIn(Server);

        var english = await browser.NavigateAsync((await app.PrepareLoginAsync(new Parameters { { "ui_locales", "en" } })).StartUrl, DemoAccounts.PublicRedirectUri);
        var spanish = await browser.NavigateAsync((await app.PrepareLoginAsync()).StartUrl, DemoAccounts.PublicRedirectUri);

        Assert.Equal("en", english.Document.DocumentElement.GetAttribute("lang"));
        Assert.Contains("Sign in", english.Text);
        Assert.Equal("es-EC", spanish.Document.DocumentElement.GetAttribute("lang"));
        Assert.Contains("Iniciar sesión", spanish.Text);
    }

    [Theory]
    [InlineData("0001")]
    [InlineData("0002")]
    public async Task Employer_SignsInWithBranch_AndGetsThatBranchInClaims(string branch)
    {
        var app = RelyingParty.Spa(Server, "openid iess.identity");
        using var browser = new BrowserlessSignIn(Server);
        var request = await app.PrepareLoginAsync();

        var callback = await browser.AuthorizeAsync(request.StartUrl, DemoAccounts.PublicRedirectUri, SignInAnswers.Employer(branch));
        var login = await app.ProcessResponseAsync(callback.ToString(), request);
        Assert.False(login.IsError, login.Error + " " + login.ErrorDescription);

        var userInfo = await ConnectScenarios.UserInfoAsync(Server, login.AccessToken);
        Assert.Equal(DemoAccounts.EmployerRuc, userInfo.GetProperty("iess_id").GetString());
        Assert.Equal("employer", userInfo.GetProperty("iess_account_type").GetString());
        Assert.Equal(branch, userInfo.GetProperty("iess_branch").GetString());
        Assert.Equal(branch, login.User.FindFirst("iess_branch")?.Value);
    }

    [Fact]
    public async Task Officer_AppAskingForAdminScope_GetsOfficerFormThenTotpThenTokensWithRoles()
    {
        var app = RelyingParty.Create(Server, "iess-admin", "iess-admin-secret-only-for-development-0123456789",
            "http://localhost:5001/signin-oidc", "openid profile iess.identity iess.admin");
        using var browser = new BrowserlessSignIn(Server);
        var request = await app.PrepareLoginAsync();

        var form = await browser.NavigateAsync(request.StartUrl, "http://localhost:5001/signin-oidc");
        Assert.Equal("/Login", form.Address.AbsolutePath);
        Assert.Contains("Ingreso de funcionarios", form.Text);
        Assert.Equal("officer", form.InputValue("Account"));

        var mfa = await browser.SubmitPasswordAsync(form, DemoAccounts.OfficerCedula, DemoAccounts.OfficerPassword, "http://localhost:5001/signin-oidc");
        Assert.Null(mfa.Callback);
        Assert.Equal("/Login/Mfa", mfa.Address.AbsolutePath);

        var done = await browser.SubmitAsync(mfa, new Dictionary<string, string?> { ["Code"] = BrowserlessSignIn.Totp(DemoAccounts.OfficerTotpSecret) }, "http://localhost:5001/signin-oidc");
        Assert.NotNull(done.Callback);
        var login = await app.ProcessResponseAsync(done.Callback.ToString(), request);
        Assert.False(login.IsError, login.Error + " " + login.ErrorDescription);
        var access = new JwtSecurityTokenHandler().ReadJwtToken(login.AccessToken);
        Assert.Contains(access.Claims, c => c.Type == "role" && c.Value == "administrator");
        Assert.Contains(access.Claims, c => c.Type == "scope" && c.Value.Split(' ').Contains("iess.admin"));
    }

    [Fact]
    public async Task Officer_WrongTotpCode_DoesNotReachTheApp()
    {
        var app = RelyingParty.Create(Server, "iess-admin", "iess-admin-secret-only-for-development-0123456789",
            "http://localhost:5001/signin-oidc", "openid iess.admin");
        using var browser = new BrowserlessSignIn(Server);
        var form = await browser.NavigateAsync((await app.PrepareLoginAsync()).StartUrl, "http://localhost:5001/signin-oidc");
        var mfa = await browser.SubmitPasswordAsync(form, DemoAccounts.OfficerCedula, DemoAccounts.OfficerPassword, "http://localhost:5001/signin-oidc");
        var wrong = BrowserlessSignIn.Totp(DemoAccounts.OfficerTotpSecret) == "000000" ? "111111" : "000000";

        var refused = await browser.SubmitAsync(mfa, new Dictionary<string, string?> { ["Code"] = wrong }, "http://localhost:5001/signin-oidc");

        Assert.Null(refused.Callback);
        Assert.Equal(HttpStatusCode.OK, refused.Status);
        Assert.NotNull(refused.Document.QuerySelector("#mfa-error"));
    }

    private async Task<BrowserlessSignIn> SignedInBrowserAsync(Duende.IdentityModel.OidcClient.OidcClient app)
    {
        var browser = new BrowserlessSignIn(Server);
        var request = await app.PrepareLoginAsync();
        var callback = await browser.AuthorizeAsync(request.StartUrl, DemoAccounts.PublicRedirectUri, SignInAnswers.Affiliate);
        Assert.False((await app.ProcessResponseAsync(callback.ToString(), request)).IsError);

        // The session is live: a plain authorization goes straight back to the app, so the forms below are forced.
        var silent = await browser.NavigateAsync((await app.PrepareLoginAsync()).StartUrl, DemoAccounts.PublicRedirectUri);
        Assert.NotNull(silent.Callback);
        return browser;
    }
}
