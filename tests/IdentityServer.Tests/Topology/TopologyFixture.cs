using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Iess.Identity.Data;
using Iess.Identity.Tests.Infrastructure;
using Npgsql;

namespace Iess.Identity.Tests.Topology;

/// <summary>
/// The production topology on one machine: two IdentityServer processes (Production environment, PEM signing and
/// encryption keys, mail over SMTP) sharing one PostgreSQL database, behind nginx, which alone is trusted for
/// X-Forwarded-*. The nodes reach PostgreSQL through a <see cref="TcpForwarder"/> so a test can cut the database off.
/// The database is created, migrated and seeded (demo accounts and clients) by an in-process Development server
/// whose outbox never dispatches; tests also use it to read the database. Every process is killed on dispose.
/// </summary>
public sealed class TopologyFixture : IAsyncLifetime
{
    /// <summary>How long a dead node's claim on an outbox message lasts before the other node takes it over.</summary>
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromSeconds(4);

    private readonly string folder = Directory.CreateTempSubdirectory("iess-topology-").FullName;

    /// <summary>Migrates and seeds the shared database, and opens scopes on it for assertions.</summary>
    public IessServerFactory Database { get; } = new(DatabaseProvider.PostgreSql);

    public TestSmtpServer Smtp { get; } = new();

    public TcpForwarder DatabaseLink { get; private set; } = null!;

    public NodeProcess NodeA { get; private set; } = null!;

    public NodeProcess NodeB { get; private set; } = null!;

    public IReadOnlyList<NodeProcess> Nodes => [NodeA, NodeB];

    public NginxProxy Proxy { get; private set; } = null!;

    /// <summary>The public address: nginx.</summary>
    public Uri Address => Proxy.Address;

    public async Task InitializeAsync()
    {
        Database.WithSetting("Iess:Messaging:DispatchInterval", "1.00:00:00");
        _ = Database.BaseAddress;

        var connection = new NpgsqlConnectionStringBuilder(Database.ConnectionString);
        DatabaseLink = new TcpForwarder(connection.Host!, connection.Port);
        connection.Host = "127.0.0.1";
        connection.Port = DatabaseLink.Port;
        connection.Timeout = 5;
        connection.CommandTimeout = 15;

        var proxyPort = FreePort();
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Iess__Database__Provider"] = "PostgreSql",
            ["Iess__Database__ConnectionString"] = connection.ConnectionString,
            ["Iess__Connect__Issuer"] = $"http://127.0.0.1:{proxyPort}/",
            ["Iess__Connect__RequireHttps"] = "false",
            // The same key files on both nodes: RSA signs identity tokens, EC P-256 the others, AES seals codes and refresh tokens.
            ["Iess__Connect__SigningKeys__0__Path"] = KeyFiles.Rsa(folder, "signing.pem"),
            ["Iess__Connect__SigningKeys__1__Path"] = KeyFiles.Ec(folder, "signing-ec.pem", ECCurve.NamedCurves.nistP256),
            ["Iess__Connect__EncryptionKeys__0__Path"] = KeyFiles.Aes(folder, "encryption.key"),
            ["Iess__Hosting__SecureCookies"] = "false",
            ["Iess__Hosting__TrustedProxies__0"] = "127.0.0.1",
            ["Iess__Messaging__ClaimTimeout"] = ClaimTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["Iess__Recovery__MaxFlowsPerIdentifierPerDay"] = "1000",
            ["Iess__Recovery__MaxFlowsPerIpPerHour"] = "10000",
            ["Iess__Recovery__ResendAfter"] = "00:00:01",
            ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Warning",
            ["DOTNET_gcServer"] = "0",
        };
        foreach (var (key, value) in Smtp.AppSettings)
        {
            settings[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        NodeA = new NodeProcess("node-a", FreePort(), settings, folder);
        NodeB = new NodeProcess("node-b", FreePort(), settings, folder);
        Proxy = await NginxProxy.StartAsync(Path.Combine(folder, "nginx"), proxyPort, [NodeA.Port, NodeB.Port]);
        await Task.WhenAll(NodeA.StartAsync(), NodeB.StartAsync());
    }

    public async Task DisposeAsync()
    {
        foreach (var node in new[] { NodeA, NodeB })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        if (DatabaseLink is not null)
        {
            await DatabaseLink.DisposeAsync();
        }

        await Smtp.DisposeAsync();
        await Database.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>A browser talking to the proxy.</summary>
    public FormClient Browser() => new(Address);

    /// <summary>The node whose process id appears in <paramref name="claimedBy"/> (the outbox's claim marker).</summary>
    public NodeProcess NodeClaiming(string claimedBy) =>
        Nodes.Single(n => n.IsRunning && claimedBy.Contains($":{n.ProcessId}:", StringComparison.Ordinal));

    /// <summary>Restarts any node a test killed, so the next test finds both running.</summary>
    public async Task EnsureRunningAsync()
    {
        DatabaseLink.Restore();
        await Task.WhenAll(Nodes.Where(n => !n.IsRunning).Select(n => n.StartAsync()));
    }

    public Task<TestAffiliate> CreateAffiliateAsync() =>
        TestAffiliates.CreateAsync(Database, TestAffiliates.NewCedula(), "+59399" + Random.Shared.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture), 17, DateTimeOffset.UtcNow);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class TopologyCollection : ICollectionFixture<TopologyFixture>
{
    public const string Name = "Two nodes behind nginx";
}
