using System.Net;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Iess.Identity.AdminApi;
using Iess.Identity.Audit;
using Iess.Identity.Data;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.AdminApi;

/// <summary>OIDC clients through the admin API, checked where an app would notice: at the authorize and token endpoints.</summary>
public sealed class ClientsEndpointsTests(IessServerFixture fixture) : IClassFixture<IessServerFixture>
{
    private const string Reason = "Alta solicitada en el ticket 4711";
    private const string RedirectUri = "http://localhost:5077/signin-oidc";
    private const string Scope = "openid profile offline_access iess.identity";

    [Fact]
    public async Task NonAdministrators_Get403_OnClients()
    {
        foreach (var role in new[] { OfficerRoles.Helpdesk, OfficerRoles.Supervisor })
        {
            using var http = OfficerTokens.Client(fixture.BaseAddress, await OfficerTokens.AccessTokenAsync(fixture.Factory, role));
            Assert.Equal(HttpStatusCode.Forbidden, (await AdminCalls.GetAsync(http, "/api/admin/clients")).Status);
            var create = await AdminCalls.SendAsync(http, HttpMethod.Post, "/api/admin/clients", NewClient(NewId()), null);
            Assert.Equal(HttpStatusCode.Forbidden, create.Status);
        }
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://*.iess.gob.ec/callback")]
    [InlineData("data:text/html,hola")]
    [InlineData("http://apps.iess.gob.ec/callback")]
    [InlineData("https://apps.iess.gob.ec/callback#frag")]
    [InlineData("/relative/callback")]
    public async Task BadRedirectUri_Is400_AndNothingChanges(string uri)
    {
        using var http = await AdministratorAsync();
        var id = NewId();
        var created = await AdminCalls.SendAsync(http, HttpMethod.Post, "/api/admin/clients", NewClient(id), null);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var version = created.Version;

        var edit = await AdminCalls.SendAsync(http, HttpMethod.Put, $"/api/admin/clients/{id}", NewClient(id) with { RedirectUris = [RedirectUri, uri] }, version);
        Assert.Equal(HttpStatusCode.BadRequest, edit.Status);
        Assert.True(edit.Body.GetProperty("errors").TryGetProperty("redirectUris", out _));
        var other = NewId();
        var create = await AdminCalls.SendAsync(http, HttpMethod.Post, "/api/admin/clients", NewClient(other) with { PostLogoutRedirectUris = [uri] }, null);
        Assert.Equal(HttpStatusCode.BadRequest, create.Status);

        var after = await AdminCalls.GetAsync(http, $"/api/admin/clients/{id}");
        Assert.Equal(version, after.Version);
        Assert.Equal([RedirectUri], after.Body.GetProperty("redirectUris").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await AdminCalls.GetAsync(http, $"/api/admin/clients/{other}")).Status);
    }

    [Fact]
    public async Task RotatedSecret_IsShownOnce_OldSecretStopsWorking_NewSecretWorks()
    {
        using var http = await AdministratorAsync();
        var id = NewId();
        var created = await AdminCalls.SendAsync(http, HttpMethod.Post, "/api/admin/clients", NewClient(id), null);
        var firstSecret = created.Body.GetProperty("clientSecret").GetString()!;
        Assert.True(firstSecret.Length >= 32);
        Assert.Equal(HttpStatusCode.OK, (await TokensAsync(id, firstSecret)).Status);

        var rotated = await AdminCalls.SendAsync(http, HttpMethod.Post, $"/api/admin/clients/{id}/secret", new { reason = Reason }, created.Version);
        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        var newSecret = rotated.Body.GetProperty("clientSecret").GetString()!;
        Assert.NotEqual(firstSecret, newSecret);

        var read = await AdminCalls.GetAsync(http, $"/api/admin/clients/{id}");
        Assert.DoesNotContain(newSecret, read.Body.GetRawText(), StringComparison.Ordinal);
        Assert.False(read.Body.TryGetProperty("clientSecret", out _));
        await using (var scope = fixture.Factory.CreateScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<IessDbContext>().Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication>()
                .Where(a => a.ClientId == id).Select(a => a.ClientSecret).SingleAsync();
            Assert.StartsWith("sha256:", stored, StringComparison.Ordinal);
        }

        // OidcClient reports the token endpoint's 401 invalid_client as "Unauthorized".
        Assert.StartsWith("Error redeeming code: Unauthorized", (await TokensAsync(id, firstSecret)).Error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await TokensAsync(id, newSecret)).Status);
    }

    [Fact]
    public async Task DisabledClient_GetsNoTokens_AndItsRefreshTokensAreRevoked()
    {
        using var http = await AdministratorAsync();
        var id = NewId();
        var created = await AdminCalls.SendAsync(http, HttpMethod.Post, "/api/admin/clients", NewClient(id), null);
        var secret = created.Body.GetProperty("clientSecret").GetString()!;
        var before = await TokensAsync(id, secret);
        Assert.Equal(HttpStatusCode.OK, before.Status);

        var disabled = await AdminCalls.SendAsync(http, HttpMethod.Post, $"/api/admin/clients/{id}/disable", new { reason = Reason }, created.Version);
        Assert.Equal(HttpStatusCode.OK, disabled.Status);
        Assert.True(disabled.Body.GetProperty("client").GetProperty("disabled").GetBoolean());

        using var token = new HttpClient();
        var refreshed = await token.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = new Uri(fixture.BaseAddress, "/connect/token").ToString(), ClientId = id, ClientSecret = secret, RefreshToken = before.RefreshToken!,
        });
        Assert.True(refreshed.IsError);
        Assert.NotEqual(HttpStatusCode.OK, (await TokensAsync(id, secret)).Status);
        await using var scope = fixture.Factory.CreateScope();
        var audited = await scope.ServiceProvider.GetRequiredService<IessDbContext>().AuditEvents.AnyAsync(e => e.Type == "client.disabled" && e.Detail!.Contains(id));
        Assert.True(audited);
    }

    [Fact]
    public async Task ConfiguredClients_AreReadOnly_EveryChangeRefused()
    {
        using var http = await AdministratorAsync();
        var list = await AdminCalls.GetAsync(http, "/api/admin/clients?pageSize=100");
        var web = list.Body.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("clientId").GetString() == DemoAccounts.ConfidentialClientId);
        Assert.True(web.GetProperty("readOnly").GetBoolean());
        var version = web.GetProperty("version").GetString();

        var edit = await AdminCalls.SendAsync(http, HttpMethod.Put, $"/api/admin/clients/{DemoAccounts.ConfidentialClientId}", NewClient(DemoAccounts.ConfidentialClientId), version);
        var rotate = await AdminCalls.SendAsync(http, HttpMethod.Post, $"/api/admin/clients/{DemoAccounts.ConfidentialClientId}/secret", new { reason = Reason }, version);
        var disable = await AdminCalls.SendAsync(http, HttpMethod.Post, $"/api/admin/clients/{DemoAccounts.ConfidentialClientId}/disable", new { reason = Reason }, version);
        foreach (var refused in new[] { edit, rotate, disable })
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.Status);
            Assert.Equal("https://iess.gob.ec/problems/client-read-only", refused.Body.GetProperty("type").GetString());
        }

        Assert.Equal(version, (await AdminCalls.GetAsync(http, $"/api/admin/clients/{DemoAccounts.ConfidentialClientId}")).Version);
        var duplicate = await AdminCalls.SendAsync(http, HttpMethod.Post, "/api/admin/clients", NewClient(DemoAccounts.ConfidentialClientId), null);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.Status);
    }

    [Fact]
    public async Task ConcurrentEdits_TheSecondGets409_WithTheCurrentState()
    {
        using var http = await AdministratorAsync();
        var id = NewId();
        var created = await AdminCalls.SendAsync(http, HttpMethod.Post, "/api/admin/clients", NewClient(id), null);
        var read = await AdminCalls.GetAsync(http, $"/api/admin/clients/{id}");

        var first = await AdminCalls.SendAsync(http, HttpMethod.Put, $"/api/admin/clients/{id}", NewClient(id) with { DisplayName = "Primera edición" }, read.Version);
        var second = await AdminCalls.SendAsync(http, HttpMethod.Put, $"/api/admin/clients/{id}", NewClient(id) with { DisplayName = "Segunda edición" }, read.Version);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.Equal("Primera edición", second.Body.GetProperty("current").GetProperty("displayName").GetString());
        Assert.Equal("Primera edición", (await AdminCalls.GetAsync(http, $"/api/admin/clients/{id}")).Body.GetProperty("displayName").GetString());
        var noVersion = await AdminCalls.SendAsync(http, HttpMethod.Put, $"/api/admin/clients/{id}", NewClient(id), null);
        Assert.Equal(HttpStatusCode.PreconditionRequired, noVersion.Status);
        var noReason = await AdminCalls.SendAsync(http, HttpMethod.Put, $"/api/admin/clients/{id}", NewClient(id) with { Reason = "" }, first.Version);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.Status);
        Assert.Equal(created.Body.GetProperty("client").GetProperty("clientId").GetString(), id);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("{\"clientId\": 7, \"reason\": \"Motivo suficiente del cambio\"}")]
    [InlineData("{\"clientId\": \"app-x\", \"redirectUris\": [null], \"scopes\": [null], \"reason\": \"Motivo suficiente del cambio\"}")]
    public async Task MalformedBodies_Get400_Never500(string json)
    {
        using var http = await AdministratorAsync();
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/api/admin/clients", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await AdminCalls.GetAsync(http, "/api/admin/clients/app-x")).Status);
    }

    private async Task<HttpClient> AdministratorAsync() =>
        OfficerTokens.Client(fixture.BaseAddress, await OfficerTokens.AccessTokenAsync(fixture.Factory, OfficerRoles.Administrator));

    private static string NewId() => "app-" + Guid.NewGuid().ToString("N")[..10];

    private static ClientInput NewClient(string id) => new(
        id, "Aplicación de prueba", "confidential", "implicit", [RedirectUri], ["http://localhost:5077/"], [.. Scope.Split(' ')], Reason);

    /// <summary>Signs the demo affiliate in to the client and redeems the code with <paramref name="secret"/>.</summary>
    private async Task<(HttpStatusCode Status, string? Error, string? RefreshToken)> TokensAsync(string clientId, string secret)
    {
        var app = RelyingParty.Create(fixture.BaseAddress, clientId, secret, RedirectUri, Scope);
        var request = await app.PrepareLoginAsync();
        using var browser = new BrowserlessSignIn(fixture.BaseAddress);
        Uri callback;
        try
        {
            callback = await browser.AuthorizeAsync(request.StartUrl, RedirectUri, SignInAnswers.Affiliate);
        }
        catch (InvalidOperationException)
        {
            return (HttpStatusCode.BadRequest, "authorize_refused", null);
        }

        if (callback.Query.Contains("error=", StringComparison.Ordinal))
        {
            return (HttpStatusCode.BadRequest, "authorize_refused", null);
        }

        var login = await app.ProcessResponseAsync(callback.ToString(), request);
        return login.IsError ? (HttpStatusCode.BadRequest, login.Error, null) : (HttpStatusCode.OK, null, login.RefreshToken);
    }
}
