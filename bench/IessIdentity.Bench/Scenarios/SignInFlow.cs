using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Iess.Identity.Bench.Scenarios;

/// <summary>
/// A whole interactive sign-in as a browser and a public app do it: authorize with PKCE → sign-in page → form POST
/// (antiforgery, cookies) → authorize again → code at the redirect_uri → code exchanged at the token endpoint.
/// </summary>
public sealed class SignInFlow(HttpClient http, BenchDeployment deployment)
{
    /// <summary>Signs <paramref name="account"/> in with a fresh browser; returns the token response.</summary>
    public async Task<TokenResponse> RunAsync(BenchAccount account, CancellationToken cancellationToken)
    {
        var browser = new Browser(http);
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var state = Base64Url(RandomNumberGenerator.GetBytes(12));
        var authorize = QueryHelpers.AddQueryString(new Uri(deployment.BaseAddress, "/connect/authorize").ToString(), new Dictionary<string, string?>
        {
            ["client_id"] = BenchDeployment.AppClientId,
            ["redirect_uri"] = BenchDeployment.RedirectUri,
            ["response_type"] = "code",
            ["scope"] = "openid offline_access",
            ["state"] = state,
            ["nonce"] = Base64Url(RandomNumberGenerator.GetBytes(12)),
            ["code_challenge"] = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            ["code_challenge_method"] = "S256",
        });

        Uri login;
        using (var response = await browser.GetAsync(new Uri(authorize), cancellationToken))
        {
            login = Browser.RedirectTarget(response);
        }

        if (login.AbsolutePath != "/Login")
        {
            throw new BenchFailure($"authorize sent a new browser to {login.AbsolutePath}, not /Login");
        }

        string page;
        using (var response = await browser.GetAsync(login, cancellationToken))
        {
            page = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new BenchFailure($"GET /Login: {(int)response.StatusCode}");
            }
        }

        var returnUrl = QueryHelpers.ParseQuery(login.Query)["ReturnUrl"].ToString();
        var fields = new Dictionary<string, string>
        {
            ["ReturnUrl"] = returnUrl,
            ["Account"] = "",
            ["Input.Identifier"] = account.Cedula,
            ["Input.Branch"] = "",
            ["Input.Password"] = account.Password,
            ["__af"] = Browser.AntiforgeryToken(page, login),
        };

        Uri back;
        using (var response = await browser.PostFormAsync(login, fields, cancellationToken))
        {
            if (response.StatusCode == HttpStatusCode.OK)
            {
                throw new BenchFailure("the sign-in form came back (wrong password, lockout or validation)");
            }

            back = Browser.RedirectTarget(response);
        }

        Uri callback;
        using (var response = await browser.GetAsync(back, cancellationToken))
        {
            callback = Browser.RedirectTarget(response);
        }

        if (!callback.ToString().StartsWith(BenchDeployment.RedirectUri, StringComparison.Ordinal))
        {
            throw new BenchFailure($"after sign-in, authorize went to {callback.AbsolutePath}, not the redirect_uri");
        }

        var query = QueryHelpers.ParseQuery(callback.Query);
        if (query["state"] != state || string.IsNullOrEmpty(query["code"]))
        {
            throw new BenchFailure($"authorization response without code or with a wrong state: {query["error"]}");
        }

        return await TokenResponse.RequestAsync(http, deployment.BaseAddress, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = query["code"].ToString(),
            ["redirect_uri"] = BenchDeployment.RedirectUri,
            ["client_id"] = BenchDeployment.AppClientId,
            ["code_verifier"] = verifier,
        }, cancellationToken);
    }

    private static string Base64Url(byte[] bytes) => WebEncoders.Base64UrlEncode(bytes);
}

/// <summary>The fields of a successful token response the driver uses.</summary>
public sealed record TokenResponse(string AccessToken, string? RefreshToken)
{
    public static async Task<TokenResponse> RequestAsync(HttpClient http, Uri server, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent(form);
        using var response = await http.PostAsync(new Uri(server, "/connect/token"), content, cancellationToken);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK || !json.RootElement.TryGetProperty("access_token", out var access))
        {
            var error = json.RootElement.TryGetProperty("error", out var e) ? e.GetString() : "?";
            throw new BenchFailure($"token endpoint ({form["grant_type"]}): {(int)response.StatusCode} {error}");
        }

        return new TokenResponse(access.GetString()!, json.RootElement.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null);
    }
}
