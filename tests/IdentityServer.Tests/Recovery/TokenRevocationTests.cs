using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Web;
using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Recovery;

[Collection(RecoveryCollection.Name)]
public sealed partial class TokenRevocationTests(RecoveryServerFixture fixture)
{
    [Fact]
    public async Task CompletedRecovery_RevokesRefreshTokens_RefreshGetsInvalidGrant()
    {
        var refreshToken = await RefreshTokenAsync(DemoAccounts.AffiliateCedula, DemoAccounts.AffiliatePassword);

        using var browser = fixture.Browser();
        var recovery = new RecoveryDriver(browser);
        await RecoveryServerFixture.ReachChannelAsync(recovery, DemoAccounts.AffiliateCedula, 6);
        var flowId = fixture.FlowIdOf(browser);
        Assert.Equal("/Recovery/Code", RecoveryDriver.Location(await recovery.ChooseChannelAsync("Email")));
        var mail = await fixture.Smtp.WaitForAsync(m => (m.TextBody ?? "").Contains($"flow={flowId:N}", StringComparison.Ordinal));
        var link = new Uri(LinkPattern().Match(mail.TextBody ?? "").Value);
        Assert.Equal("/Recovery/Reset", RecoveryDriver.Location(await recovery.ConfirmLinkAsync(link)));
        Assert.Equal("/Recovery/Done", RecoveryDriver.Location(await recovery.ResetAsync("Nueva-Clave-Tungurahua-2027")));

        using var client = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        using var refresh = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken, ["client_id"] = DemoAccounts.PublicClientId,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        using var error = JsonDocument.Parse(await refresh.Content.ReadAsStringAsync());
        Assert.Equal("invalid_grant", error.RootElement.GetProperty("error").GetString());
    }

    /// <summary>Authorization code with PKCE for the public demo client, as a browser and an SPA would do it.</summary>
    private async Task<string> RefreshTokenAsync(string cedula, string password)
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = "/connect/authorize?" + string.Join("&", new Dictionary<string, string>
        {
            ["client_id"] = DemoAccounts.PublicClientId, ["redirect_uri"] = DemoAccounts.PublicRedirectUri, ["response_type"] = "code",
            ["scope"] = "openid offline_access", ["code_challenge"] = challenge, ["code_challenge_method"] = "S256", ["state"] = "estado-1234",
        }.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value)));

        using var browser = fixture.Browser();
        var location = RecoveryDriver.Location(await browser.Http.GetAsync(authorize));
        Assert.StartsWith("/Login", location);
        var returnUrl = HttpUtility.ParseQueryString(new Uri(fixture.Server.BaseAddress, location).Query)["ReturnUrl"]!;
        // The return URL travels in the query only: the server refuses a request that carries two (query and form).
        var signedIn = await browser.SubmitAsync("/Login?ReturnUrl=" + Uri.EscapeDataString(returnUrl),
            new Dictionary<string, string> { ["Input.Identifier"] = cedula, ["Input.Password"] = password });
        Assert.True(signedIn.StatusCode == HttpStatusCode.Found, $"Sign-in answered {(int)signedIn.StatusCode}: {WebUtility.HtmlDecode(await signedIn.Content.ReadAsStringAsync())}");
        location = RecoveryDriver.Location(signedIn);
        var hops = new List<string> { location };
        for (var hop = 0; hop < 5 && location.StartsWith('/'); hop++)
        {
            location = RecoveryDriver.Location(await browser.Http.GetAsync(location));
            hops.Add(location);
        }

        Assert.True(location.StartsWith(DemoAccounts.PublicRedirectUri, StringComparison.Ordinal), "Redirects: " + string.Join(" -> ", hops));
        var callback = HttpUtility.ParseQueryString(new Uri(location).Query);
        Assert.Equal("estado-1234", callback["state"]);
        using var token = await browser.Http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = callback["code"]!, ["redirect_uri"] = DemoAccounts.PublicRedirectUri,
            ["client_id"] = DemoAccounts.PublicClientId, ["code_verifier"] = verifier,
        }));
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        var body = await token.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("refresh_token").GetString()!;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex(@"http://\S+/Recovery/Link\?flow=[0-9a-f]{32}&token=[A-Za-z0-9_-]+")]
    private static partial Regex LinkPattern();
}
