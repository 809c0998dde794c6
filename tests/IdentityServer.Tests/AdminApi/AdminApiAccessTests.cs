using System.Net;
using System.Text.Json;
using Iess.Identity.AdminApi;
using Iess.Identity.Tests.Infrastructure;
using Xunit;

namespace Iess.Identity.Tests.AdminApi;

/// <summary>Who reaches the admin API at all: officers' bearer tokens with iess.admin, checked against their roles in the database.</summary>
public sealed class AdminApiAccessTests(IessServerFixture fixture) : IClassFixture<IessServerFixture>
{
    [Fact]
    public async Task NoToken_Gets401ProblemDetails_NotTheHtmlErrorPage()
    {
        using var http = OfficerTokens.Client(fixture.BaseAddress, null);
        using var response = await http.GetAsync("/api/admin/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Officer_SeesOwnRolesFromTheDatabase_AndLosesAccessAtOnceWhenDemoted()
    {
        var (cedula, secret) = await OfficerTokens.CreateOfficerAsync(fixture.Factory, OfficerRoles.Supervisor);
        var token = await OfficerTokens.SignInAsync(fixture.BaseAddress, cedula, secret);
        using var http = OfficerTokens.Client(fixture.BaseAddress, token);

        using (var me = await http.GetAsync("/api/admin/me"))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            var body = JsonDocument.Parse(await me.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(cedula, body.GetProperty("iessId").GetString());
            Assert.Equal(OfficerRoles.Supervisor, Assert.Single(body.GetProperty("roles").EnumerateArray()).GetString());
        }

        await using (var scope = fixture.Factory.CreateScope())
        {
            var users = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Iess.Identity.Accounts.IessUser>>(scope.ServiceProvider);
            var officer = (await users.FindByNameAsync("O-" + cedula))!;
            await users.RemoveFromRoleAsync(officer, OfficerRoles.Supervisor);
        }

        using var after = await http.GetAsync("/api/admin/me");
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);

        // The refusal is an audited access-control failure, naming the officer and what was asked.
        await using var check = fixture.Factory.CreateScope();
        var db = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Iess.Identity.Data.IessDbContext>(check.ServiceProvider);
        var officerId = db.Users.Single(u => u.UserName == "O-" + cedula).Id;
        var denied = Assert.Single(db.AuditEvents.Where(e => e.Type == "admin.api.denied" && e.Subject == officerId).ToList());
        Assert.Equal("denied", denied.Outcome);
        Assert.Contains("GET /api/admin/me", denied.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AffiliatesAccessToken_GetsNothing()
    {
        var tokens = await PublicClientTokens.AccessTokenAsync(fixture.BaseAddress, SignInAnswers.Affiliate);
        using var http = OfficerTokens.Client(fixture.BaseAddress, tokens);
        using var response = await http.GetAsync("/api/admin/me");
        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, response.StatusCode.ToString());
    }

    [Fact]
    public async Task AnOfficersSsoCookieAlone_GetsNothing()
    {
        var (cedula, secret) = await OfficerTokens.CreateOfficerAsync(fixture.Factory, OfficerRoles.Administrator);
        using var browser = new BrowserlessSignIn(fixture.BaseAddress);
        await OfficerTokens.SignInAsync(browser, cedula, secret);
        using var response = await browser.Http.GetAsync("/api/admin/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
