using Iess.Identity.Audit;
using Iess.Identity.Data;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.Audit;

public sealed class AuditLogTests(IessServerFixture server) : IClassFixture<IessServerFixture>
{
    [Fact]
    public async Task ManyConcurrentEventsOnOneNode_AreAllRecorded_AndStayLinkedInOneChain()
    {
        await using var scope = server.Factory.CreateScope();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        var marker = "concurrency-" + Guid.NewGuid().ToString("N");

        // As many sign-ins finishing at once would: before writes took turns, these raced for one sequence number
        // until the retries ran out and the request failed with a 500.
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => audit.WriteAsync("test.concurrent", "success", marker, marker, null, i.ToString(System.Globalization.CultureInfo.InvariantCulture)))));

        var rows = await db.AuditEvents.AsNoTracking().Where(e => e.Subject == marker).OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(200, rows.Count);
        foreach (var row in rows)
        {
            // Each event links to the one written just before it, whoever wrote that one.
            var previous = await db.AuditEvents.AsNoTracking().SingleOrDefaultAsync(e => e.Sequence == row.Sequence - 1);
            Assert.Equal(previous?.Hash ?? "", row.PreviousHash);
        }
    }
}
