using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Iess.Identity.Tests.Infrastructure;

/// <summary>Tokens for the demo public client (code + PKCE S256, offline_access), obtained the way an SPA gets them.</summary>
public static class PublicClientTokens
{
    public static async Task<string> RefreshTokenAsync(Uri server, SignInAnswers answers) =>
        (await TokensAsync(server, answers, "openid offline_access")).GetProperty("refresh_token").GetString()!;

    public static async Task<string> AccessTokenAsync(Uri server, SignInAnswers answers, string scope = "openid profile iess.identity") =>
        (await TokensAsync(server, answers, scope)).GetProperty("access_token").GetString()!;

    /// <summary>The token response after signing in with <paramref name="answers"/> and redeeming the code.</summary>
    public static async Task<JsonElement> TokensAsync(Uri server, SignInAnswers answers, string scope)
    {
        var verifier = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var challenge = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = QueryHelpers.AddQueryString(new Uri(server, "/connect/authorize").ToString(), new Dictionary<string, string?>
        {
            ["client_id"] = DemoAccounts.PublicClientId, ["redirect_uri"] = DemoAccounts.PublicRedirectUri, ["response_type"] = "code",
            ["scope"] = scope, ["code_challenge"] = challenge, ["code_challenge_method"] = "S256", ["state"] = "t",
        });
        using var browser = new BrowserlessSignIn(server);
        var callback = await browser.AuthorizeAsync(authorize, DemoAccounts.PublicRedirectUri, answers);
        using var http = new HttpClient { BaseAddress = server };
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = DemoAccounts.PublicClientId, ["redirect_uri"] = DemoAccounts.PublicRedirectUri,
            ["code"] = QueryHelpers.ParseQuery(callback.Query)["code"].ToString(), ["code_verifier"] = verifier,
        }));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Redeems a refresh token; returns the OAuth error, or null when it worked.</summary>
    public static async Task<string?> RefreshErrorAsync(Uri server, string refreshToken)
    {
        using var http = new HttpClient { BaseAddress = server };
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = DemoAccounts.PublicClientId, ["refresh_token"] = refreshToken,
        }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode ? null : body.GetProperty("error").GetString();
    }
}
