using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Iess.Identity.Tests.Infrastructure;

/// <summary>
/// A real SMTP server (the SmtpServer package) on a loopback port, receiving what the app sends with MailKit.
/// Messages are parsed with MimeKit; <see cref="WaitForAsync"/> waits for the ones a test expects.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task running;
    private readonly ConcurrentQueue<MimeMessage> received = new();
    private readonly SemaphoreSlim arrived = new(0);
    private SmtpHold? hold;

    /// <param name="port">A port to reuse (to restart a stopped server); a free one by default.</param>
    public TestSmtpServer(int? port = null)
    {
        Port = port ?? FreePort();
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        running = new SmtpServer.SmtpServer(options, services).StartAsync(stop.Token);
    }

    public int Port { get; }

    public IReadOnlyCollection<MimeMessage> Received => received.ToArray();

    /// <summary>The settings that point the app's dispatcher at this server.</summary>
    public IEnumerable<KeyValuePair<string, string>> AppSettings =>
    [
        new("Iess:Messaging:Mode", "Deliver"),
        new("Iess:Messaging:Smtp:Host", "127.0.0.1"),
        new("Iess:Messaging:Smtp:Port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Iess:Messaging:Smtp:Security", "None"),
        new("Iess:Messaging:DispatchInterval", "00:00:00.200"),
    ];

    /// <summary>
    /// Holds the next message at the end of its DATA command: the sender waits for the server's reply until the test
    /// releases it, so a test can kill the sending node while the message is in flight. A held message released with
    /// <c>accept: false</c> is answered with a failure and not kept, as a relay does when the transaction is cut off.
    /// </summary>
    public SmtpHold HoldNext(Func<MimeMessage, bool> match) => hold = new SmtpHold(match);

    /// <summary>Waits until a message matching <paramref name="match"/> arrives, or fails after the timeout.</summary>
    public async Task<MimeMessage> WaitForAsync(Func<MimeMessage, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var found = received.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No matching email arrived; {received.Count} received: {string.Join(" | ", received.Select(m => m.Subject))}");
            }

            await arrived.WaitAsync(left);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (stop.IsCancellationRequested)
        {
            return;
        }

        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Store(TestSmtpServer owner) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            if (owner.hold is { } held && held.Match(message) && Interlocked.CompareExchange(ref owner.hold, null, held) == held
                && !await held.WaitAsync(cancellationToken))
            {
                return new SmtpResponse(SmtpReplyCode.TransactionFailed, "transaction cut off");
            }

            owner.received.Enqueue(message);
            owner.arrived.Release();
            return SmtpResponse.Ok;
        }
    }
}

/// <summary>A message held at the end of DATA by <see cref="TestSmtpServer.HoldNext"/>.</summary>
public sealed class SmtpHold(Func<MimeMessage, bool> match)
{
    private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a sender is waiting for the reply to its message.</summary>
    public Task Reached => reached.Task;

    /// <summary>Answers the held sender: 250 and the message kept, or a failure and the message dropped.</summary>
    public void Release(bool accept) => released.TrySetResult(accept);

    internal Func<MimeMessage, bool> Match => match;

    internal Task<bool> WaitAsync(CancellationToken cancellationToken)
    {
        reached.TrySetResult();
        return released.Task.WaitAsync(cancellationToken);
    }
}
