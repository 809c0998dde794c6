using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Iess.Identity.Data;

/// <summary>
/// Registers <see cref="IessDbContext"/> on the configured provider. Contexts are pooled: EF Core resets a context at
/// the end of a request and lends it to the next (docs/PERFORMANCE.md, change 14), so a context must keep no state of
/// its own and take nothing but its options in its constructor.
/// </summary>
public static class DataServiceCollectionExtensions
{
    public static IServiceCollection AddIessData(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.Configure<DatabaseOptions>(configuration.GetSection(DatabaseOptions.Section));
        var connectionString = ConnectionStringFor(options, environment.ContentRootPath);

        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                services.AddDbContextPool<IessDbContext, SqliteIessDbContext>(o => ConfigureSqlite(o, connectionString));
                break;
            case DatabaseProvider.SqlServer:
                services.AddDbContextPool<IessDbContext, SqlServerIessDbContext>(o => ConfigureSqlServer(o, connectionString));
                break;
            case DatabaseProvider.PostgreSql:
                services.AddDbContextPool<IessDbContext, PostgreSqlIessDbContext>(o => ConfigurePostgreSql(o, connectionString));
                break;
            default:
                throw new InvalidOperationException($"Unknown database provider '{options.Provider}'.");
        }

        return services;
    }

    internal static string ConnectionStringFor(DatabaseOptions options, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return options.ConnectionString;
        }

        if (options.Provider != DatabaseProvider.Sqlite)
        {
            throw new InvalidOperationException($"Iess:Database:ConnectionString is required for {options.Provider}.");
        }

        var folder = Path.Combine(contentRoot, "App_Data");
        Directory.CreateDirectory(folder);
        return $"Data Source={Path.Combine(folder, "iess.db")}";
    }

    internal static void ConfigureSqlite(DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseSqlite(connectionString, sql => sql.MigrationsHistoryTable("__EFMigrationsHistory"))
            .AddInterceptors(new SqliteBusyTimeout(), SqliteWriteGate.Instance);

    internal static void ConfigureSqlServer(DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseSqlServer(connectionString, sql => sql.EnableRetryOnFailure());

    internal static void ConfigurePostgreSql(DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseNpgsql(connectionString);
}

/// <summary>Lets <c>dotnet ef</c> build the SQLite context without starting the app.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteIessDbContext>
{
    public SqliteIessDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<SqliteIessDbContext>();
        DataServiceCollectionExtensions.ConfigureSqlite(builder, "Data Source=design.db");
        return new SqliteIessDbContext(builder.Options);
    }
}

/// <summary>Lets <c>dotnet ef</c> build the SQL Server context without a server.</summary>
public sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerIessDbContext>
{
    public SqlServerIessDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<SqlServerIessDbContext>();
        DataServiceCollectionExtensions.ConfigureSqlServer(builder, "Server=localhost;Database=iess;Trusted_Connection=True;TrustServerCertificate=True");
        return new SqlServerIessDbContext(builder.Options);
    }
}

/// <summary>Lets <c>dotnet ef</c> build the PostgreSQL context without a server.</summary>
public sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlIessDbContext>
{
    public PostgreSqlIessDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<PostgreSqlIessDbContext>();
        DataServiceCollectionExtensions.ConfigurePostgreSql(builder, "Host=localhost;Database=iess;Username=iess");
        return new PostgreSqlIessDbContext(builder.Options);
    }
}
