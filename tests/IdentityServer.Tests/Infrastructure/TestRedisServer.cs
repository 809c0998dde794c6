using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Iess.Identity.Tests.Infrastructure;

/// <summary>
/// A real redis-server (Debian's package, installed by scripts/test.sh) on a free loopback port, without persistence,
/// stopped when the test is done.
/// </summary>
public sealed class TestRedisServer : IAsyncDisposable
{
    private readonly Process process;
    private int stopped;

    private TestRedisServer(Process process, int port)
    {
        this.process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The value for <c>Iess:Redis</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    public static async Task<TestRedisServer> StartAsync()
    {
        var executable = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed (apt-get install redis-server; scripts/test.sh does it).");
        var port = FreePort();
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new TestRedisServer(process, port);
        await Eventually.ValueAsync(async () =>
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
                return (await connection.GetDatabase().PingAsync()) >= TimeSpan.Zero;
            }
            catch (RedisConnectionException)
            {
                return false;
            }
        }, up => up, TimeSpan.FromSeconds(30));
        return server;
    }

    /// <summary>Stops the server (a test may stop it early to see the app without Redis); safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
