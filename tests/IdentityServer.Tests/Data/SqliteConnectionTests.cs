using Iess.Identity.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Iess.Identity.Tests.Data;

public sealed class SqliteConnectionTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"iess-busy-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task ServerConnections_WaitInsideSqliteForTheWriteLock()
    {
        // Without busy_timeout SQLite answers "busy" at once and Microsoft.Data.Sqlite sleeps 150 ms before each retry:
        // under concurrent token requests that sleep was where most of a request's time went (docs/PERFORMANCE.md).
        var builder = new DbContextOptionsBuilder<SqliteIessDbContext>();
        DataServiceCollectionExtensions.ConfigureSqlite(builder, $"Data Source={_file}");
        await using var db = new SqliteIessDbContext(builder.Options);
        await db.Database.OpenConnectionAsync();

        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA busy_timeout";
        Assert.Equal(30_000L, (long)(await command.ExecuteScalarAsync())!);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_file + suffix);
        }
    }
}
