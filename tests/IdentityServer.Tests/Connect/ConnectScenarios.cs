using System.Net.Http.Headers;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Duende.IdentityModel.OidcClient;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace Iess.Identity.Tests.Connect;

/// <summary>Whole relying-party journeys, shared by the tests that run them on SQLite and on PostgreSQL.</summary>
public static class ConnectScenarios
{
    /// <summary>
    /// demo-spa (public, implicit consent): code + PKCE sign-in through the form, refresh with rotation, userinfo,
    /// silent re-authorization, end-session back to the app with its state, then prompt=none reports login_required.
    /// </summary>
    public static async Task PublicClientFullJourneyAsync(Uri server)
    {
        var app = RelyingParty.Spa(server);
        using var browser = new BrowserlessSignIn(server);

        var request = await app.PrepareLoginAsync();
        Assert.Contains("code_challenge_method=S256", request.StartUrl);
        var callback = await browser.AuthorizeAsync(request.StartUrl, DemoAccounts.PublicRedirectUri, SignInAnswers.Affiliate);
        var response = Query(callback);
        Assert.Equal(await IssuerAsync(server), response["iss"]);

        var login = await app.ProcessResponseAsync(callback.ToString(), request);
        Assert.False(login.IsError, login.Error + " " + login.ErrorDescription);
        var subject = login.User.FindFirst("sub")?.Value;
        Assert.False(string.IsNullOrEmpty(subject));
        Assert.DoesNotContain(DemoAccounts.AffiliateCedula, subject);
        Assert.False(string.IsNullOrEmpty(login.RefreshToken));

        var refreshed = await app.RefreshTokenAsync(login.RefreshToken);
        Assert.False(refreshed.IsError, refreshed.Error + " " + refreshed.ErrorDescription);
        Assert.NotEqual(login.RefreshToken, refreshed.RefreshToken);
        Assert.NotEqual(login.AccessToken, refreshed.AccessToken);

        var userInfo = await UserInfoAsync(server, refreshed.AccessToken);
        Assert.Equal(subject, userInfo.GetProperty("sub").GetString());
        Assert.Equal(DemoAccounts.AffiliateCedula, userInfo.GetProperty("iess_id").GetString());
        Assert.Equal("affiliate", userInfo.GetProperty("iess_account_type").GetString());
        Assert.Equal(JsonValueKind.True, userInfo.GetProperty("email_verified").ValueKind);
        var viaClient = await app.GetUserInfoAsync(refreshed.AccessToken);
        Assert.False(viaClient.IsError, viaClient.Error);
        Assert.Contains(viaClient.Claims, c => c.Type == "sub" && c.Value == subject);

        // While the session lives, prompt=none signs the person in silently.
        var silent = await app.PrepareLoginAsync(new Parameters { { "prompt", "none" } });
        var silentStep = await browser.NavigateAsync(silent.StartUrl, DemoAccounts.PublicRedirectUri);
        Assert.NotNull(silentStep.Callback);
        Assert.True(Query(silentStep.Callback).ContainsKey("code"), silentStep.Callback.ToString());

        var logout = await app.PrepareLogoutAsync(new LogoutRequest { IdTokenHint = login.IdentityToken, State = "adios-123" });
        var loggedOut = await browser.NavigateAsync(logout, RelyingParty.SpaPostLogoutRedirectUri);
        Assert.NotNull(loggedOut.Callback);
        Assert.Equal(RelyingParty.SpaPostLogoutRedirectUri, loggedOut.Callback.GetLeftPart(UriPartial.Path));
        Assert.Equal("adios-123", Query(loggedOut.Callback)["state"]);

        var afterLogout = await app.PrepareLoginAsync(new Parameters { { "prompt", "none" } });
        var refused = await browser.NavigateAsync(afterLogout.StartUrl, DemoAccounts.PublicRedirectUri);
        Assert.NotNull(refused.Callback);
        var error = Query(refused.Callback);
        Assert.Equal("login_required", error["error"]);
        Assert.Equal(afterLogout.State, error["state"]);
        Assert.Equal(await IssuerAsync(server), error["iss"]);
        Assert.False(error.ContainsKey("code"));
    }

    public static Dictionary<string, string> Query(Uri uri) =>
        QueryHelpers.ParseQuery(uri.Query).ToDictionary(p => p.Key, p => p.Value.ToString());

    public static async Task<string> IssuerAsync(Uri server)
    {
        using var http = new HttpClient();
        using var discovery = JsonDocument.Parse(await http.GetStringAsync(new Uri(server, "/.well-known/openid-configuration")));
        return discovery.RootElement.GetProperty("issuer").GetString()!;
    }

    /// <summary>The raw userinfo JSON, so the type of each value (a JSON boolean, not "true") can be checked.</summary>
    public static async Task<JsonElement> UserInfoAsync(Uri server, string accessToken)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, "/connect/userinfo"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"userinfo {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
