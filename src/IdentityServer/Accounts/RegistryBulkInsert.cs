using System.Data;
using System.Data.Common;
using Iess.Identity.Data;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Iess.Identity.Accounts;

/// <summary>
/// Writes imported accounts with each engine's bulk path instead of EF change tracking: one prepared INSERT reused
/// inside the caller's transaction on SQLite, binary <c>COPY</c> on PostgreSQL, <see cref="SqlBulkCopy"/> on SQL Server.
/// Columns and stored values come from the EF model (names, value converters), so the rows are the ones
/// <c>SaveChanges</c> would have written. The caller's transaction keeps the import all-or-nothing.
/// </summary>
public static class RegistryBulkInsert
{
    private const int SqlServerBatch = 10_000;
    private const int ImportCacheKiB = 256 * 1024;
    private const int DefaultCacheKiB = 2000;

    public static async Task WriteAsync(IessDbContext db, IReadOnlyList<IessUser> rows, CancellationToken cancellationToken)
    {
        var table = UserTable.From(db);
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("A registry import writes inside a transaction.");
        switch (connection)
        {
            case SqliteConnection sqlite:
                await WriteSqliteAsync(sqlite, (SqliteTransaction)transaction, table, rows, cancellationToken);
                break;
            case NpgsqlConnection npgsql:
                await WritePostgreSqlAsync(npgsql, table, rows, cancellationToken);
                break;
            case SqlConnection sqlServer:
                await WriteSqlServerAsync(sqlServer, (SqlTransaction)transaction, table, rows, cancellationToken);
                break;
            default:
                throw new NotSupportedException($"No bulk path for {connection.GetType().Name}.");
        }
    }

    private static async Task WriteSqliteAsync(
        SqliteConnection connection, SqliteTransaction transaction, UserTable table, IReadOnlyList<IessUser> rows, CancellationToken cancellationToken)
    {
        // SQLite's default page cache is 2 MB; the import's four indexes of a million rows each need far more to avoid
        // reading the same pages again and again. The connection gets its default back at the end (it is pooled).
        await SetCacheSizeAsync(connection, transaction, ImportCacheKiB, cancellationToken);
        try
        {
            await InsertSqliteRowsAsync(connection, transaction, table, rows, cancellationToken);
        }
        finally
        {
            await SetCacheSizeAsync(connection, transaction, DefaultCacheKiB, CancellationToken.None);
        }
    }

    private static async Task SetCacheSizeAsync(SqliteConnection connection, SqliteTransaction transaction, int kibibytes, CancellationToken cancellationToken)
    {
        await using var pragma = connection.CreateCommand();
        pragma.Transaction = transaction;
        pragma.CommandText = $"PRAGMA cache_size = -{kibibytes}";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task InsertSqliteRowsAsync(
        SqliteConnection connection, SqliteTransaction transaction, UserTable table, IReadOnlyList<IessUser> rows, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO \"{table.Name}\" ({string.Join(", ", table.Columns.Select(c => $"\"{c.Name}\""))}) " +
            $"VALUES ({string.Join(", ", table.Columns.Select((_, i) => "$p" + i))})";
        var parameters = table.Columns.Select((_, i) => command.Parameters.Add(new SqliteParameter("$p" + i, null))).ToArray();
        command.Prepare();
        foreach (var row in rows)
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                parameters[i].Value = table.Columns[i].StoredValue(row) ?? DBNull.Value;
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task WritePostgreSqlAsync(NpgsqlConnection connection, UserTable table, IReadOnlyList<IessUser> rows, CancellationToken cancellationToken)
    {
        var copy = $"COPY \"{table.Name}\" ({string.Join(", ", table.Columns.Select(c => $"\"{c.Name}\""))}) FROM STDIN (FORMAT BINARY)";
        await using var writer = await connection.BeginBinaryImportAsync(copy, cancellationToken);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(cancellationToken);
            foreach (var column in table.Columns)
            {
                await (column.StoredValue(row) switch
                {
                    null => writer.WriteNullAsync(cancellationToken),
                    string text => writer.WriteAsync(text, NpgsqlDbType.Text, cancellationToken),
                    int number => writer.WriteAsync(number, NpgsqlDbType.Integer, cancellationToken),
                    long number => writer.WriteAsync(number, NpgsqlDbType.Bigint, cancellationToken),
                    bool flag => writer.WriteAsync(flag, NpgsqlDbType.Boolean, cancellationToken),
                    DateOnly date => writer.WriteAsync(date, NpgsqlDbType.Date, cancellationToken),
                    DateTimeOffset instant => writer.WriteAsync(instant.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken),
                    var other => throw new NotSupportedException($"Column {column.Name}: no COPY mapping for {other.GetType().Name}."),
                });
            }
        }

        await writer.CompleteAsync(cancellationToken);
    }

    private static async Task WriteSqlServerAsync(
        SqlConnection connection, SqlTransaction transaction, UserTable table, IReadOnlyList<IessUser> rows, CancellationToken cancellationToken)
    {
        using var bulk = new SqlBulkCopy(connection, SqlBulkCopyOptions.CheckConstraints, transaction)
        {
            DestinationTableName = $"[{table.Name}]",
            BatchSize = SqlServerBatch,
            BulkCopyTimeout = 0,
        };
        foreach (var column in table.Columns)
        {
            bulk.ColumnMappings.Add(column.Name, column.Name);
        }

        for (var start = 0; start < rows.Count; start += SqlServerBatch)
        {
            using var data = SqlServerRows(table, rows.Skip(start).Take(SqlServerBatch));
            await bulk.WriteToServerAsync(data, cancellationToken);
        }
    }

    /// <summary>The rows as the <see cref="DataTable"/> <see cref="SqlBulkCopy"/> sends: one column per mapped property.</summary>
    public static DataTable SqlServerRows(UserTable table, IEnumerable<IessUser> rows)
    {
        var data = new DataTable(table.Name);
        foreach (var column in table.Columns)
        {
            var type = Nullable.GetUnderlyingType(column.StoredType) ?? column.StoredType;
            data.Columns.Add(column.Name, type == typeof(DateOnly) ? typeof(DateTime) : type);
        }

        foreach (var row in rows)
        {
            data.Rows.Add(table.Columns.Select(c => c.StoredValue(row) switch
            {
                null => DBNull.Value,
                DateOnly date => date.ToDateTime(TimeOnly.MinValue),
                var value => value,
            }).ToArray());
        }

        return data;
    }
}

/// <summary>The accounts table as the EF model maps it for the context's provider.</summary>
public sealed record UserTable(string Name, IReadOnlyList<UserColumn> Columns)
{
    public static UserTable From(DbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(IessUser)) ?? throw new InvalidOperationException("IessUser is not mapped.");
        var name = entity.GetTableName()!;
        var store = StoreObjectIdentifier.Table(name, entity.GetSchema());
        var columns = entity.GetProperties()
            .Where(p => p.PropertyInfo is not null && p.GetColumnName(store) is not null)
            .Select(p => new UserColumn(p.GetColumnName(store)!, p))
            .ToList();
        return new UserTable(name, columns);
    }
}

/// <summary>One column: its name and the value the provider stores for a row (after EF's value converter, if any).</summary>
public sealed class UserColumn(string name, IProperty property)
{
    private readonly Func<object?, object?>? convert = property.GetTypeMapping().Converter?.ConvertToProvider;

    public string Name { get; } = name;

    public Type StoredType { get; } = property.GetTypeMapping().Converter?.ProviderClrType ?? property.ClrType;

    public object? StoredValue(IessUser row)
    {
        var value = property.PropertyInfo!.GetValue(row);
        return value is null || convert is null ? value : convert(value);
    }
}
