using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Iess.Identity.Accounts;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Iess.Identity.Bench;

/// <summary>
/// A production-like installation in a temp folder: PEM keys, a fresh database (SQLite file, or a new PostgreSQL
/// database), the bench clients declared through <c>Iess__Clients__N__*</c>, and bench affiliates with passwords.
/// </summary>
public sealed class BenchDeployment : IAsyncDisposable
{
    /// <summary>Where the authorization response goes; nothing listens there, the driver reads the redirect.</summary>
    public const string RedirectUri = "http://127.0.0.1:1/cb";

    public const string ServiceClientId = "bench-service";
    public const string AppClientId = "bench-app";

    // Past the clients appsettings.json declares (0–2): a lower index would merge into a demo client's entry.
    private const int FirstClientIndex = 90;

    private readonly string? adminConnectionString;
    private readonly string? databaseName;

    private BenchDeployment(string folder, string serverDll, string? postgres)
    {
        Folder = folder;
        ServerDll = serverDll;
        Port = ServerProcess.FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}/");
        ServiceClientSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        LogPath = Path.Combine(folder, "server.log");

        string connectionString;
        if (postgres is null)
        {
            Provider = "Sqlite";
            connectionString = $"Data Source={Path.Combine(folder, "iess.db")}";
        }
        else
        {
            Provider = "PostgreSql";
            adminConnectionString = postgres;
            databaseName = "iess_bench_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
            connectionString = new NpgsqlConnectionStringBuilder(postgres) { Database = databaseName }.ConnectionString;
        }

        ConnectionString = connectionString;
        Environment = BuildEnvironment();
    }

    public string Folder { get; }

    public string ServerDll { get; }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public string Provider { get; }

    public string ConnectionString { get; }

    public string ServiceClientSecret { get; }

    public string LogPath { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    public IReadOnlyList<BenchAccount> Accounts { get; private set; } = [];

    /// <summary>A folder the server's log is copied to before the temp folder goes.</summary>
    public string? KeepLogIn { get; set; }

    public static async Task<BenchDeployment> CreateAsync(string serverDll, string? postgres, int accounts)
    {
        var folder = Directory.CreateTempSubdirectory("iess-bench-").FullName;
        var deployment = new BenchDeployment(folder, serverDll, postgres);
        try
        {
            await deployment.PrepareAsync(accounts);
            return deployment;
        }
        catch
        {
            await deployment.DisposeAsync();
            throw;
        }
    }

    public ServerProcess StartServer() => ServerProcess.Start(ServerDll, Environment, LogPath);

    public async ValueTask DisposeAsync()
    {
        if (KeepLogIn is not null && File.Exists(LogPath))
        {
            Directory.CreateDirectory(KeepLogIn);
            File.Copy(LogPath, Path.Combine(KeepLogIn, "server.log"), overwrite: true);
        }

        SqliteConnection.ClearAllPools();
        if (adminConnectionString is not null && databaseName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            try
            {
                await using var connection = new NpgsqlConnection(adminConnectionString);
                await connection.OpenAsync();
                await Execute(connection, $"DROP DATABASE IF EXISTS \"{databaseName}\" WITH (FORCE)");
            }
            catch (NpgsqlException exception)
            {
                Console.Error.WriteLine($"Could not drop {databaseName}: {exception.Message}");
            }
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open; the temp folder is left behind.
        }
    }

    private Dictionary<string, string> BuildEnvironment()
    {
        var signing = WriteKey("signing.pem");
        var encryption = WriteKey("encryption.pem");
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = BaseAddress.GetLeftPart(UriPartial.Authority),
            ["DOTNET_NOLOGO"] = "1",
            ["Iess__Database__Provider"] = Provider,
            ["Iess__Database__ConnectionString"] = ConnectionString,
            ["Iess__Database__MigrateOnStart"] = "true",
            ["Iess__Connect__SigningKeys__0__Path"] = signing,
            ["Iess__Connect__EncryptionKeys__0__Path"] = encryption,
            ["Iess__Connect__RequireHttps"] = "false",
            ["Iess__Hosting__SecureCookies"] = "false",
            // Every recovery identify comes from 127.0.0.1: the per-address limit (30 an hour) is raised to its maximum.
            // The per-identifier limit keeps its default; the driver spreads the load over many cédulas instead.
            ["Iess__Recovery__MaxFlowsPerIpPerHour"] = "10000",
        };

        var service = $"Iess__Clients__{FirstClientIndex}__";
        environment[service + "ClientId"] = ServiceClientId;
        environment[service + "ClientSecret"] = ServiceClientSecret;
        environment[service + "DisplayName"] = "Bench service";
        environment[service + "GrantTypes__0"] = "client_credentials";

        var app = $"Iess__Clients__{FirstClientIndex + 1}__";
        environment[app + "ClientId"] = AppClientId;
        environment[app + "DisplayName"] = "Bench app";
        environment[app + "RedirectUris__0"] = RedirectUri;
        environment[app + "Scopes__0"] = "openid";
        environment[app + "Scopes__1"] = "offline_access";
        environment[app + "GrantTypes__0"] = "authorization_code";
        environment[app + "GrantTypes__1"] = "refresh_token";
        environment[app + "ConsentType"] = "Implicit";
        return environment;
    }

    private string WriteKey(string name)
    {
        using var rsa = RSA.Create(2048);
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, rsa.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return path;
    }

    /// <summary>
    /// Production has no demo accounts. The accounts come in through the operator's own path (<c>migrate</c>, then
    /// <c>import-affiliates</c>), which leaves them without a password as the registry does; the driver then stores
    /// an Argon2id hash made by the server's own hasher at the configured cost, standing in for "Generar clave".
    /// </summary>
    private async Task PrepareAsync(int accounts)
    {
        if (adminConnectionString is not null)
        {
            await using var connection = new NpgsqlConnection(adminConnectionString);
            await connection.OpenAsync();
            await Execute(connection, $"CREATE DATABASE \"{databaseName}\"");
        }

        await ServerProcess.RunVerbAsync(ServerDll, Environment, LogPath, "migrate");

        var list = Enumerable.Range(0, accounts)
            .Select(i => new BenchAccount(Cedulas.Generate("17", 1_000_000 + i), "Bench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(9))))
            .ToList();
        var csv = Path.Combine(Folder, "affiliates.csv");
        var text = new StringBuilder(AffiliateImporter.Header).Append('\n');
        foreach (var (account, i) in list.Select((a, i) => (a, i)))
        {
            text.Append(CultureInfo.InvariantCulture, $"{account.Cedula},Usuario {i},Carga Prueba,1980-01-01,bench{i}@example.ec,\n");
        }

        await File.WriteAllTextAsync(csv, text.ToString());
        await ServerProcess.RunVerbAsync(ServerDll, Environment, LogPath, "import-affiliates", csv);

        var hasher = new Argon2idPasswordHasher(Options.Create(new AccountsOptions()));
        var hashes = new string[list.Count];
        Parallel.For(0, list.Count, i => hashes[i] = hasher.HashPassword(new IessUser(), list[i].Password));

        await using (var connection = OpenDatabase())
        {
            await connection.OpenAsync();
            for (var i = 0; i < list.Count; i++)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "UPDATE \"AspNetUsers\" SET \"PasswordHash\" = @hash WHERE \"UserName\" = @userName";
                AddParameter(command, "@hash", hashes[i]);
                AddParameter(command, "@userName", IessUser.AccountKey(AccountType.Affiliate, list[i].Cedula));
                if (await command.ExecuteNonQueryAsync() != 1)
                {
                    throw new InvalidOperationException($"The imported affiliate {list[i].Cedula} was not found.");
                }
            }
        }

        Accounts = list;
    }

    private DbConnection OpenDatabase() =>
        adminConnectionString is null ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static async Task Execute(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A bench affiliate: the cédula typed at sign-in and its password.</summary>
public sealed record BenchAccount(string Cedula, string Password);

/// <summary>Valid cédulas (province, third digit below 6, check digit) made from a serial number.</summary>
public static class Cedulas
{
    public static string Generate(string province, int serial)
    {
        var body = province + serial.ToString("D7", CultureInfo.InvariantCulture)[..7];
        for (var check = 0; check < 10; check++)
        {
            var candidate = body + check.ToString(CultureInfo.InvariantCulture);
            if (Cedula.TryParse(candidate, out _))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"No check digit makes {body} a cédula.");
    }
}
