using System.Net;
using Iess.Identity.AdminApi;
using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.AdminApi;

public sealed class OfficersEndpointsTests(IessServerFixture fixture) : IClassFixture<IessServerFixture>
{
    private const string Reason = "Cambio de funciones, memorando 2026-118";

    [Fact]
    public async Task NonAdministrator_Gets403_OnOfficers()
    {
        using var http = OfficerTokens.Client(fixture.BaseAddress, await OfficerTokens.AccessTokenAsync(fixture.Factory, OfficerRoles.Supervisor));
        Assert.Equal(HttpStatusCode.Forbidden, (await AdminCalls.GetAsync(http, "/api/admin/officers")).Status);
    }

    [Fact]
    public async Task Administrator_SetsRoles_WithVersionAndReason_AndTheOfficerGainsAccessAtOnce()
    {
        using var admin = OfficerTokens.Client(fixture.BaseAddress, await OfficerTokens.AccessTokenAsync(fixture.Factory, OfficerRoles.Administrator));
        var (cedula, secret) = await OfficerTokens.CreateOfficerAsync(fixture.Factory, OfficerRoles.Helpdesk);
        using var helpdesk = OfficerTokens.Client(fixture.BaseAddress, await OfficerTokens.SignInAsync(fixture.BaseAddress, cedula, secret));
        Assert.Equal(HttpStatusCode.Forbidden, (await AdminCalls.GetAsync(helpdesk, "/api/admin/audit")).Status);

        var list = await AdminCalls.GetAsync(admin, "/api/admin/officers?pageSize=100");
        var officer = list.Body.GetProperty("items").EnumerateArray().Single(o => o.GetProperty("iessId").GetString() == cedula);
        var id = officer.GetProperty("id").GetString();
        var version = officer.GetProperty("version").GetString();

        var unknown = await AdminCalls.SendAsync(admin, HttpMethod.Put, $"/api/admin/officers/{id}/roles", new { roles = new[] { "root" }, reason = Reason }, version);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        var changed = await AdminCalls.SendAsync(admin, HttpMethod.Put, $"/api/admin/officers/{id}/roles", new { roles = new[] { OfficerRoles.Supervisor }, reason = Reason }, version);
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.Equal([OfficerRoles.Supervisor], changed.Body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var stale = await AdminCalls.SendAsync(admin, HttpMethod.Put, $"/api/admin/officers/{id}/roles", new { roles = Array.Empty<string>(), reason = Reason }, version);
        Assert.Equal(HttpStatusCode.Conflict, stale.Status);
        Assert.Equal(OfficerRoles.Supervisor, stale.Body.GetProperty("current").GetProperty("roles")[0].GetString());

        Assert.Equal(HttpStatusCode.OK, (await AdminCalls.GetAsync(helpdesk, "/api/admin/audit")).Status);
        var audit = await AdminCalls.GetAsync(admin, $"/api/admin/audit?subject={id}&type=officer.roles_changed");
        Assert.Contains(Reason, Assert.Single(audit.Body.GetProperty("items").EnumerateArray()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Administrator_CannotRemoveTheirOwnAdministratorRole()
    {
        var (cedula, secret) = await OfficerTokens.CreateOfficerAsync(fixture.Factory, OfficerRoles.Administrator);
        using var admin = OfficerTokens.Client(fixture.BaseAddress, await OfficerTokens.SignInAsync(fixture.BaseAddress, cedula, secret));
        var me = await AdminCalls.GetAsync(admin, "/api/admin/me");
        var id = me.Body.GetProperty("userId").GetString();
        var read = await AdminCalls.GetAsync(admin, $"/api/admin/officers/{id}");

        var refused = await AdminCalls.SendAsync(admin, HttpMethod.Put, $"/api/admin/officers/{id}/roles", new { roles = new[] { OfficerRoles.Helpdesk }, reason = Reason }, read.Version);

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("https://iess.gob.ec/problems/self-lockout", refused.Body.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, (await AdminCalls.GetAsync(admin, "/api/admin/officers")).Status);
    }
}
