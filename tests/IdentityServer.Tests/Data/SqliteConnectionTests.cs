using System.Collections.Concurrent;
using Iess.Identity.Data;
using Iess.Identity.Hosting;
using Microsoft.Data.Sqlite;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Iess.Identity.Tests.Data;

public sealed class SqliteConnectionTests : IDisposable
{
    private readonly SqliteTestFile _file = new();

    [Fact]
    public async Task ServerConnections_WaitInsideSqliteForTheWriteLock()
    {
        // Without busy_timeout SQLite answers "busy" at once and Microsoft.Data.Sqlite sleeps 150 ms before each retry:
        // under concurrent token requests that sleep was where most of a request's time went (docs/PERFORMANCE.md).
        await using var db = NewContext();
        await db.Database.OpenConnectionAsync();

        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA busy_timeout";
        Assert.Equal(30_000L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task WritersWaitingForTheLock_GoInTheOrderTheyArrived()
    {
        // SQLite's busy handler lets whichever writer polls first win, so a writer could lose again and again; the
        // server's writers to one file now queue.
        await using (var setup = NewContext())
        {
            await setup.Database.MigrateAsync();
        }

        await using var holder = NewContext();
        await using var transaction = await holder.Database.BeginTransactionAsync();
        holder.RateCounters.Add(new RateCounter { Key = "holder", Count = 1, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) });
        await holder.SaveChangesAsync();

        var finished = new ConcurrentQueue<int>();
        var writers = new List<Task>();
        for (var i = 0; i < 6; i++)
        {
            var writer = i;
            writers.Add(Task.Run(async () =>
            {
                await using var db = NewContext();
                db.RateCounters.Add(new RateCounter { Key = $"writer-{writer}", Count = 1, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) });
                await db.SaveChangesAsync();
                finished.Enqueue(writer);
            }));
            await Eventually.ValueAsync(() => Task.FromResult(SqliteWriteGate.Waiting(_file.Path)), waiting => waiting == writer + 1, TimeSpan.FromSeconds(30));
        }

        await transaction.CommitAsync();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));

        // Committed in arrival order (rowids are handed out as rows are written). Writers answered by one shared sync
        // of the log may return in any order (SqliteGroupCommitTests), so their return order is not the turn order.
        Assert.Equal(6, finished.Count);
        await using var check = NewContext();
        var order = await check.Database.SqlQueryRaw<string>("SELECT Key AS Value FROM RateCounters WHERE Key LIKE 'writer-%' ORDER BY rowid").ToListAsync();
        Assert.Equal(["writer-0", "writer-1", "writer-2", "writer-3", "writer-4", "writer-5"], order);
    }

    [Fact]
    public async Task EveryKindOfWrite_GivesItsTurnBack_EvenWhenItFails()
    {
        await using var db = NewContext();
        await db.Database.MigrateAsync();
        var connection = db.Database.GetDbConnection();
        var expires = DateTimeOffset.UtcNow.AddHours(1);

        db.RateCounters.Add(new RateCounter { Key = "a", Count = 1, ExpiresAt = expires });
        await db.SaveChangesAsync();
        Assert.Equal(0, SqliteWriteGate.Depth(connection));

        db.ChangeTracker.Clear();
        db.RateCounters.Add(new RateCounter { Key = "a", Count = 2, ExpiresAt = expires });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.Equal(0, SqliteWriteGate.Depth(connection));
        db.ChangeTracker.Clear();

        await db.Database.OpenConnectionAsync();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.RateCounters.Add(new RateCounter { Key = "b", Count = 1, ExpiresAt = expires });
            await db.SaveChangesAsync();
            Assert.Equal(1, SqliteWriteGate.Depth(connection));
            await transaction.RollbackAsync();
        }

        Assert.Equal(0, SqliteWriteGate.Depth(connection));
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await db.RateCounters.Where(c => c.Key == "a").ExecuteUpdateAsync(s => s.SetProperty(c => c.Count, 5));
            await transaction.CommitAsync();
        }

        Assert.Equal(0, SqliteWriteGate.Depth(connection));
        await using (await db.Database.BeginTransactionAsync())
        {
            // Disposed without commit or rollback: the turn comes back when the connection closes.
            db.RateCounters.Add(new RateCounter { Key = "c", Count = 1, ExpiresAt = expires });
            await db.SaveChangesAsync();
        }

        await db.Database.CloseConnectionAsync();
        Assert.Equal(0, SqliteWriteGate.Depth(connection));

        await db.RateCounters.Where(c => c.Key == "a").ExecuteDeleteAsync();
        Assert.Equal(0, SqliteWriteGate.Depth(connection));
        var upserted = await db.Database.SqlQueryRaw<int>(
            "INSERT INTO RateCounters (Key, Count, ExpiresAt) VALUES ('d', 1, 0) ON CONFLICT (Key) DO UPDATE SET Count = Count + 1 RETURNING Count AS Value").ToListAsync();
        Assert.Equal([1], upserted);
        Assert.Equal(0, SqliteWriteGate.Depth(connection));
        await Assert.ThrowsAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync("INSERT INTO Missing VALUES (1)"));
        Assert.Equal(0, SqliteWriteGate.Depth(connection));

        // And the gate is free: a second context writes at once.
        await using var other = NewContext();
        other.RateCounters.Add(new RateCounter { Key = "e", Count = 1, ExpiresAt = expires });
        await other.SaveChangesAsync().WaitAsync(TimeSpan.FromSeconds(5));
    }

    private SqliteIessDbContext NewContext() => _file.NewContext();

    public void Dispose() => _file.Dispose();
}
