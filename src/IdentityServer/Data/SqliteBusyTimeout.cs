using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Iess.Identity.Data;

/// <summary>
/// Lets SQLite itself wait for the write lock (<c>sqlite3_busy_timeout</c>, which retries after 1, 2, 5, 10… ms)
/// instead of Microsoft.Data.Sqlite's own retry loop, which sleeps 150 ms after every refused try. With concurrent
/// requests each committing a token or an audit event, that loop was where requests spent most of their time.
/// </summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    /// <summary>As long as Microsoft.Data.Sqlite's default command timeout: a write waits up to 30 s, then fails.</summary>
    public const int Milliseconds = 30_000;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection sqlite)
        {
            SQLitePCL.raw.sqlite3_busy_timeout(sqlite.Handle, Milliseconds);
        }
    }
}
