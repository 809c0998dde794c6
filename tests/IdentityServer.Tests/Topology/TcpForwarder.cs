using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Iess.Identity.Tests.Topology;

/// <summary>
/// A TCP forwarder on a loopback port in front of another port (the nodes reach PostgreSQL through it).
/// <see cref="Cut"/> resets every open connection and every new one, like a network partition with the database;
/// <see cref="Restore"/> lets connections through again.
/// </summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint target;
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentDictionary<Socket, byte> open = new();
    private readonly Task accepting;
    private volatile bool cut;

    public TcpForwarder(string host, int port)
    {
        target = new IPEndPoint(IPAddress.Parse(host == "localhost" ? "127.0.0.1" : host), port);
        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public void Cut()
    {
        cut = true;
        foreach (var socket in open.Keys)
        {
            Reset(socket);
        }
    }

    public void Restore() => cut = false;

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        Cut();
        try
        {
            await accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await listener.AcceptSocketAsync(stop.Token);
            if (cut)
            {
                Reset(client);
                continue;
            }

            _ = PipeAsync(client);
        }
    }

    private async Task PipeAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        open[client] = 0;
        open[server] = 0;
        try
        {
            await server.ConnectAsync(target, stop.Token);
            await Task.WhenAny(CopyAsync(client, server), CopyAsync(server, client));
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            open.TryRemove(client, out _);
            open.TryRemove(server, out _);
            Reset(client);
            Reset(server);
        }
    }

    private static async Task CopyAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Closes with RST, so the peer sees the connection die rather than end.</summary>
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }
}
