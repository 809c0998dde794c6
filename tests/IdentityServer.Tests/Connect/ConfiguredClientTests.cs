using System.IdentityModel.Tokens.Jwt;
using Duende.IdentityModel.Client;
using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Connect;

/// <summary>IESS apps registered only through settings shaped like the environment variables Iess__Clients__N__*.</summary>
public sealed class ConfiguredClientTests(ConfiguredClientTests.Server server) : IClassFixture<ConfiguredClientTests.Server>
{
    private const string MachineClientId = "planillas-batch";
    private const string MachineSecret = "planillas-batch-secret-4f9a1c7e2b8d6053a1e9";
    private const string WebClientId = "historia-laboral";
    private const string WebSecret = "historia-laboral-secret-7d2e9b4c1a6f8035e2";
    private const string WebRedirectUri = "http://localhost:5010/signin-oidc";

    [Fact]
    public async Task ClientCredentials_ForAClientFromSettingsOnly_IssuesATokenAndRefusesAWrongSecret()
    {
        using var http = new HttpClient();
        var address = new Uri(server.BaseAddress, "/connect/token").ToString();

        var token = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = address, ClientId = MachineClientId, ClientSecret = MachineSecret,
        });
        var wrong = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = address, ClientId = MachineClientId, ClientSecret = MachineSecret + "x",
        });

        Assert.False(token.IsError, token.Error + " " + token.ErrorDescription);
        Assert.Equal(MachineClientId, new JwtSecurityTokenHandler().ReadJwtToken(token.AccessToken).Subject);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, wrong.HttpStatusCode);
        Assert.Equal("invalid_client", wrong.Json?.GetProperty("error").GetString());
        Assert.Null(wrong.AccessToken);
    }

    [Fact]
    public async Task CodeFlow_ForAClientFromSettingsOnly_SignsAPersonInThroughTheForm()
    {
        var app = RelyingParty.Create(server.BaseAddress, WebClientId, WebSecret, WebRedirectUri, "openid profile iess.identity offline_access");
        using var browser = new BrowserlessSignIn(server.BaseAddress);
        var request = await app.PrepareLoginAsync();

        var form = await browser.NavigateAsync(request.StartUrl, WebRedirectUri);
        Assert.Equal("/Login", form.Address.AbsolutePath);
        var done = await browser.SubmitPasswordAsync(form, DemoAccounts.SecondAffiliateCedula, DemoAccounts.SecondAffiliatePassword, WebRedirectUri);
        Assert.NotNull(done.Callback);
        var login = await app.ProcessResponseAsync(done.Callback.ToString(), request);

        Assert.False(login.IsError, login.Error + " " + login.ErrorDescription);
        Assert.Equal(DemoAccounts.SecondAffiliateCedula, login.User.FindFirst("iess_id")?.Value);
        Assert.Equal("Carlos Andrés Mendoza Vera", login.User.FindFirst("name")?.Value);
        var refreshed = await app.RefreshTokenAsync(login.RefreshToken);
        Assert.False(refreshed.IsError, refreshed.Error);
    }

    /// <summary>The server with two extra apps declared only in settings.</summary>
    public sealed class Server() : IessServerFixture(factory => factory
        .WithSetting("Iess:Clients:10:ClientId", MachineClientId)
        .WithSetting("Iess:Clients:10:ClientSecret", MachineSecret)
        .WithSetting("Iess:Clients:10:GrantTypes:0", "client_credentials")
        .WithSetting("Iess:Clients:11:ClientId", WebClientId)
        .WithSetting("Iess:Clients:11:ClientSecret", WebSecret)
        .WithSetting("Iess:Clients:11:DisplayName", "Historia laboral")
        .WithSetting("Iess:Clients:11:RedirectUris:0", WebRedirectUri)
        .WithSetting("Iess:Clients:11:PostLogoutRedirectUris:0", "http://localhost:5010/signout-callback-oidc")
        .WithSetting("Iess:Clients:11:Scopes:0", "openid")
        .WithSetting("Iess:Clients:11:Scopes:1", "profile")
        .WithSetting("Iess:Clients:11:Scopes:2", "iess.identity")
        .WithSetting("Iess:Clients:11:Scopes:3", "offline_access")
        .WithSetting("Iess:Clients:11:GrantTypes:0", "authorization_code")
        .WithSetting("Iess:Clients:11:GrantTypes:1", "refresh_token")
        .WithSetting("Iess:Clients:11:ConsentType", "Implicit"));
}
