using Iess.Identity.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Iess.Identity.Tests.Infrastructure;

/// <summary>
/// The real IdentityServer on a real loopback port, with its own database (a SQLite file, or a fresh PostgreSQL
/// database when <c>IESS_TEST_POSTGRES</c> names a server) and its own key folder. Demo data is seeded as in
/// Development. Tests change settings with <see cref="WithSetting"/> before the first request.
/// </summary>
public class IessServerFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Action<IServiceCollection>> serviceChanges = [];
    private string? postgresDatabase;

    public IessServerFactory(DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        Provider = provider;
        Folder = Directory.CreateTempSubdirectory("iess-test-").FullName;
        UseKestrel(0);
    }

    public DatabaseProvider Provider { get; }

    /// <summary>The hosting environment; Development (demo data, captured mail) unless a test says otherwise.</summary>
    public string EnvironmentName { get; set; } = "Development";

    /// <summary>A private temporary folder: database file, keys.</summary>
    public string Folder { get; }

    /// <summary>The PostgreSQL server for tests, from the environment (set by .ci/run), or null.</summary>
    public static string? PostgresServer => Environment.GetEnvironmentVariable("IESS_TEST_POSTGRES");

    public IessServerFactory WithSetting(string key, string? value)
    {
        settings[key] = value;
        return this;
    }

    public IessServerFactory WithSettings(IEnumerable<KeyValuePair<string, string>> values)
    {
        foreach (var (key, value) in values)
        {
            settings[key] = value;
        }

        return this;
    }

    public IessServerFactory WithServices(Action<IServiceCollection> change)
    {
        serviceChanges.Add(change);
        return this;
    }

    /// <summary>The server's base address (starts it on first use).</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            return ClientOptions.BaseAddress;
        }
    }

    public string ConnectionString { get; private set; } = "";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        ConnectionString = Provider switch
        {
            DatabaseProvider.Sqlite => $"Data Source={Path.Combine(Folder, "iess.db")}",
            DatabaseProvider.PostgreSql => CreatePostgresDatabase(),
            _ => throw new NotSupportedException($"No test server for {Provider}."),
        };

        builder.UseSetting("Iess:Database:Provider", Provider.ToString());
        builder.UseSetting("Iess:Database:ConnectionString", ConnectionString);
        builder.UseSetting("Iess:Connect:DevelopmentKeyFolder", Path.Combine(Folder, "keys"));
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            foreach (var change in serviceChanges)
            {
                change(services);
            }
        });
    }

    /// <summary>Builds and starts the host under <see cref="HostBuildLock"/>, so parallel factories find their own host.</summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        lock (HostBuildLock.Gate)
        {
            return base.CreateHost(builder);
        }
    }

    /// <summary>A new scope on the server's services (its own database context).</summary>
    public AsyncServiceScope CreateScope()
    {
        StartServer();
        return Services.CreateAsyncScope();
    }

    private string CreatePostgresDatabase()
    {
        var server = PostgresServer ?? throw new InvalidOperationException("IESS_TEST_POSTGRES is not set.");
        postgresDatabase = "iess_test_" + Guid.NewGuid().ToString("N")[..12];
        using (var connection = new NpgsqlConnection(server))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {postgresDatabase}", connection);
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = postgresDatabase }.ConnectionString;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        if (postgresDatabase is not null && PostgresServer is { } server)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {postgresDatabase} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by SQLite's pool; the temp folder is cleaned by the OS.
        }
    }
}

/// <summary>
/// WebApplicationFactory picks up the first host built anywhere in the process while it starts the app, so hosts
/// built by tests (servers, fake gateways) are built one at a time.
/// </summary>
public static class HostBuildLock
{
    public static readonly object Gate = new();
}
