using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace Iess.Identity.BrowserTests.Infrastructure;

/// <summary>
/// The demo public client (demo-spa) obtaining tokens over plain HTTP, as a single-page app would through the
/// browser: authorization code with PKCE S256, the sign-in form posted with its antiforgery token, the code taken
/// from the redirect to its callback, then the token endpoint.
/// </summary>
public sealed partial class SpaTokenClient : IDisposable
{
    private readonly HttpClientHandler handler = new() { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
    private readonly HttpClient http;

    public SpaTokenClient(Uri server) => http = new HttpClient(handler) { BaseAddress = server };

    /// <summary>Signs in with <paramref name="password"/> and returns the refresh token issued for "openid offline_access".</summary>
    public async Task<string> SignInForRefreshTokenAsync(string identifier, string password)
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = DemoAccounts.PublicClientId,
            ["redirect_uri"] = DemoAccounts.PublicRedirectUri,
            ["response_type"] = "code",
            ["scope"] = "openid offline_access",
            ["state"] = Base64Url(RandomNumberGenerator.GetBytes(16)),
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        });

        var loginPage = await RedirectTargetAsync(await http.GetAsync(authorize));
        var form = HiddenFields(await http.GetStringAsync(loginPage));
        form["Input.Identifier"] = identifier;
        form["Input.Password"] = password;
        var afterLogin = await RedirectTargetAsync(await http.PostAsync(loginPage, new FormUrlEncodedContent(form)));
        var callback = await RedirectTargetAsync(await http.GetAsync(afterLogin));
        Assert.StartsWith(DemoAccounts.PublicRedirectUri, callback.ToString(), StringComparison.Ordinal);
        var code = QueryHelpers.ParseQuery(callback.Query)["code"].ToString();

        var tokens = await TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = DemoAccounts.PublicClientId,
            ["redirect_uri"] = DemoAccounts.PublicRedirectUri,
            ["code"] = code,
            ["code_verifier"] = verifier,
        });
        Assert.True(tokens.Status == HttpStatusCode.OK, $"The token endpoint answered {(int)tokens.Status}: {tokens.Body}");
        return tokens.Body.GetProperty("refresh_token").GetString()!;
    }

    /// <summary>Redeems a refresh token; the status and JSON body the app would see.</summary>
    public Task<(HttpStatusCode Status, JsonElement Body)> RefreshAsync(string refreshToken) => TokenAsync(new()
    {
        ["grant_type"] = "refresh_token",
        ["client_id"] = DemoAccounts.PublicClientId,
        ["refresh_token"] = refreshToken,
    });

    public void Dispose()
    {
        http.Dispose();
        handler.Dispose();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(Dictionary<string, string> fields)
    {
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(fields));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }

    private async Task<Uri> RedirectTargetAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.True(
                response.StatusCode is HttpStatusCode.Found or HttpStatusCode.Redirect or HttpStatusCode.SeeOther && response.Headers.Location is not null,
                $"Expected a redirect from {response.RequestMessage!.RequestUri}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return new Uri(response.RequestMessage!.RequestUri!, response.Headers.Location!);
        }
    }

    private static Dictionary<string, string> HiddenFields(string html) =>
        InputTag().Matches(html)
            .Select(m => m.Value)
            .Where(tag => tag.Contains("type=\"hidden\"", StringComparison.Ordinal))
            .ToDictionary(
                tag => WebUtility.HtmlDecode(NameAttribute().Match(tag).Groups[1].Value),
                tag => WebUtility.HtmlDecode(ValueAttribute().Match(tag).Groups[1].Value));

    private static string Base64Url(byte[] bytes) => WebEncoders.Base64UrlEncode(bytes);

    [GeneratedRegex("<input\\b[^>]*>")]
    private static partial Regex InputTag();

    [GeneratedRegex("\\bname=\"([^\"]*)\"")]
    private static partial Regex NameAttribute();

    [GeneratedRegex("\\bvalue=\"([^\"]*)\"")]
    private static partial Regex ValueAttribute();
}
