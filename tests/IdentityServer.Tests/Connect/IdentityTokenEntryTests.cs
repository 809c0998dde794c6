using Duende.IdentityModel.OidcClient;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Iess.Identity.Tests.Connect;

/// <summary>
/// Identity tokens are not stored (nothing can revoke them), while codes, access and refresh tokens keep their entries;
/// the identity tokens still work as id_token_hint.
/// </summary>
public sealed class IdentityTokenEntryTests(IessServerFixture server) : IClassFixture<IessServerFixture>
{
    [Fact]
    public async Task SignInAndRefresh_StoreCodesAccessAndRefreshTokens_ButNoIdentityToken()
    {
        var before = await StoredTokensAsync();
        var app = RelyingParty.Spa(server.BaseAddress);
        using var browser = new BrowserlessSignIn(server.BaseAddress);
        var login = await SignInAsync(app, browser);
        var refreshed = await app.RefreshTokenAsync(login.RefreshToken);
        Assert.False(refreshed.IsError, refreshed.Error + " " + refreshed.ErrorDescription);
        Assert.False(string.IsNullOrEmpty(refreshed.IdentityToken), "A refresh still returns an identity token.");

        var subject = new JsonWebToken(login.IdentityToken).Subject;
        var added = (await StoredTokensAsync()).ExceptBy(before.Select(t => t.Id), t => t.Id).ToList();
        Assert.All(added, t => Assert.Equal(subject, t.Subject));
        var types = added.Select(t => t.Type).Order(StringComparer.Ordinal);

        // One code, an access and a refresh token per response, and no identity token in either response.
        string[] expected =
        [
            TokenTypeIdentifiers.Private.AuthorizationCode,
            TokenTypeIdentifiers.AccessToken, TokenTypeIdentifiers.RefreshToken,
            TokenTypeIdentifiers.AccessToken, TokenTypeIdentifiers.RefreshToken,
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), types);
    }

    [Fact]
    public async Task IdentityTokenWithoutEntry_StillSignsOutItsSessionAsIdTokenHint()
    {
        using var browser = new BrowserlessSignIn(server.BaseAddress);
        var login = await SignInAsync(RelyingParty.Spa(server.BaseAddress), browser);

        var step = await browser.NavigateAsync(
            "/connect/endsession?id_token_hint=" + Uri.EscapeDataString(login.IdentityToken)
            + "&post_logout_redirect_uri=" + Uri.EscapeDataString(RelyingParty.SpaPostLogoutRedirectUri),
            RelyingParty.SpaPostLogoutRedirectUri);

        // Accepted without the confirmation page: the hint named the signed-in account.
        Assert.NotNull(step.Callback);
        Assert.DoesNotContain(step.Redirects, r => r.AbsolutePath == "/Logout");
    }

    private static async Task<LoginResult> SignInAsync(OidcClient app, BrowserlessSignIn browser)
    {
        var request = await app.PrepareLoginAsync();
        var callback = await browser.AuthorizeAsync(request.StartUrl, DemoAccounts.PublicRedirectUri, SignInAnswers.Affiliate);
        var login = await app.ProcessResponseAsync(callback.ToString(), request);
        Assert.False(login.IsError, login.Error + " " + login.ErrorDescription);
        return login;
    }

    private async Task<List<(string Id, string? Subject, string? Type)>> StoredTokensAsync()
    {
        await using var scope = server.Factory.CreateScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var all = new List<(string, string?, string?)>();
        await foreach (var token in tokens.ListAsync(count: null, offset: null))
        {
            all.Add((await tokens.GetIdAsync(token) ?? "", await tokens.GetSubjectAsync(token), await tokens.GetTypeAsync(token)));
        }

        return all;
    }
}
