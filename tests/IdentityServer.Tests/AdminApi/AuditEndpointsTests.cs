using System.Net;
using Iess.Identity.AdminApi;
using Iess.Identity.Audit;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.AdminApi;

public sealed class AuditEndpointsTests : IAsyncLifetime
{
    private readonly IessServerFactory server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Filters_ReturnExactlyTheExpectedEvents_NewestFirst_AndATamperedRowIsReported()
    {
        using var http = OfficerTokens.Client(server.BaseAddress, await OfficerTokens.AccessTokenAsync(server, OfficerRoles.Supervisor));
        var subject = Guid.NewGuid().ToString();
        var officer = Guid.NewGuid().ToString();
        await using (var scope = server.CreateScope())
        {
            var log = scope.ServiceProvider.GetRequiredService<AuditLog>();
            await log.WriteAsync("account.unlocked", "success", subject, officer, null, "first");
            await log.WriteAsync("signin.failed", "failure", subject, subject, null, "second");
            await log.WriteAsync("account.unlocked", "success", Guid.NewGuid().ToString(), officer, null, "other account");
            await log.WriteAsync("security_profile.reset", "success", subject, officer, null, "third");
        }

        var bySubject = await AdminCalls.GetAsync(http, $"/api/admin/audit?subject={subject}");
        Assert.Equal(HttpStatusCode.OK, bySubject.Status);
        Assert.Equal(["third", "second", "first"], Details(bySubject));
        Assert.Equal(3, bySubject.Body.GetProperty("total").GetInt32());
        Assert.True(bySubject.Body.GetProperty("chain").GetProperty("intact").GetBoolean());

        Assert.Equal(["third", "other account", "first"], Details(await AdminCalls.GetAsync(http, $"/api/admin/audit?actor={officer}")));
        Assert.Equal(["first"], Details(await AdminCalls.GetAsync(http, $"/api/admin/audit?actor={officer}&subject={subject}&type=account.unlocked")));
        Assert.Equal(["third", "other account"], Details(await AdminCalls.GetAsync(http, $"/api/admin/audit?actor={officer}&pageSize=2")));
        Assert.Equal(["first"], Details(await AdminCalls.GetAsync(http, $"/api/admin/audit?actor={officer}&pageSize=2&page=2")));
        var later = DateTimeOffset.UtcNow.AddHours(1).ToString("O");
        Assert.Empty(Details(await AdminCalls.GetAsync(http, $"/api/admin/audit?subject={subject}&from={Uri.EscapeDataString(later)}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(2).ToString("O"))}")));
        Assert.Equal(HttpStatusCode.BadRequest, (await AdminCalls.GetAsync(http, "/api/admin/audit?from=ayer")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await AdminCalls.GetAsync(http, "/api/admin/audit?from=2024-01-01&to=2026-01-01")).Status);

        var sequence = bySubject.Body.GetProperty("items")[1].GetProperty("sequence").GetInt64();
        await using (var connection = new SqliteConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var tamper = connection.CreateCommand();
            tamper.CommandText = $"UPDATE AuditEvents SET Detail = 'nada que ver' WHERE Sequence = {sequence}";
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
        }

        var chain = (await AdminCalls.GetAsync(http, $"/api/admin/audit?subject={subject}")).Body.GetProperty("chain");
        Assert.False(chain.GetProperty("intact").GetBoolean());
        Assert.Equal(sequence, chain.GetProperty("firstBroken").GetInt64());
    }

    [Fact]
    public async Task Helpdesk_Gets403_OnTheAuditLog()
    {
        using var http = OfficerTokens.Client(server.BaseAddress, await OfficerTokens.AccessTokenAsync(server, OfficerRoles.Helpdesk));
        Assert.Equal(HttpStatusCode.Forbidden, (await AdminCalls.GetAsync(http, "/api/admin/audit")).Status);
    }

    private static List<string?> Details(AdminAnswer answer) =>
        [.. answer.Body.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("detail").GetString())];
}
