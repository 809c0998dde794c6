using Iess.Identity.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Iess.Identity.Tests.Data;

/// <summary>A SQLite file of its own for one test, opened the way the server opens it, deleted afterwards.</summary>
internal sealed class SqliteTestFile : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"iess-sqlite-{Guid.NewGuid():N}.db");

    /// <summary>A context with the server's SQLite configuration (busy timeout, write gate, group commit).</summary>
    public SqliteIessDbContext NewContext()
    {
        var builder = new DbContextOptionsBuilder<SqliteIessDbContext>();
        DataServiceCollectionExtensions.ConfigureSqlite(builder, $"Data Source={Path}");
        return new SqliteIessDbContext(builder.Options);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(Path + suffix);
        }
    }
}
