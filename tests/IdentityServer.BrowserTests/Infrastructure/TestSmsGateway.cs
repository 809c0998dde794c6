using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Iess.Identity.BrowserTests.Infrastructure;

/// <summary>
/// Stands in for the SMS provider, which lives outside the machine: a real HTTP server on a loopback port that accepts
/// what the app's HttpSmsSender posts (<c>{ "to": "+593…", "text": "…" }</c>) and keeps it for the test to read.
/// </summary>
public sealed class TestSmsGateway : IAsyncDisposable
{
    private const string Path = "/sms";
    private readonly WebApplication app;
    private readonly ConcurrentQueue<Sms> received = new();
    private readonly SemaphoreSlim arrived = new(0);

    private TestSmsGateway(WebApplication app) => this.app = app;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The settings that point the app's SMS sender at this gateway.</summary>
    public IEnumerable<KeyValuePair<string, string>> AppSettings =>
    [
        new("Iess:Messaging:Sms:Endpoint", Endpoint.ToString()),
    ];

    public static async Task<TestSmsGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var gateway = new TestSmsGateway(app);
        app.MapPost(Path, (Sms sms) =>
        {
            gateway.received.Enqueue(sms);
            gateway.arrived.Release();
            return Results.Accepted();
        });
        await app.StartAsync();
        var address = app.Urls.Single();
        gateway.Endpoint = new Uri(new Uri(address), Path);
        return gateway;
    }

    /// <summary>Waits until an SMS to <paramref name="to"/> arrives, or fails after 20 seconds.</summary>
    public async Task<Sms> WaitForAsync(string to)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var found = received.FirstOrDefault(s => s.To == to);
            if (found is not null)
            {
                return found;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No SMS to {to} arrived; {received.Count} received for: {string.Join(", ", received.Select(s => s.To))}");
            }

            await arrived.WaitAsync(left);
        }
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    /// <summary>One message as the gateway received it.</summary>
    public sealed record Sms(string To, string Text);
}
