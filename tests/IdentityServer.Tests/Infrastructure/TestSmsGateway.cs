using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Iess.Identity.Tests.Infrastructure;

/// <summary>
/// A fake SMS gateway that is a real HTTP server (a minimal Kestrel app on a loopback port). It records what the
/// app's <c>HttpSmsSender</c> posts — the JSON body and the bearer key — so tests read the SMS a person would get.
/// </summary>
public sealed class TestSmsGateway : IAsyncDisposable
{
    public const string ApiKey = "test-sms-gateway-key-0123456789";

    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedSms> received = new();
    private readonly SemaphoreSlim arrived = new(0);

    private TestSmsGateway(WebApplication app) => this.app = app;

    /// <summary>Where the app posts: <c>Iess:Messaging:Sms:Endpoint</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyCollection<ReceivedSms> Received => received.ToArray();

    /// <summary>The settings that point the app's SMS sender at this gateway.</summary>
    public IEnumerable<KeyValuePair<string, string>> AppSettings =>
    [
        new("Iess:Messaging:Sms:Endpoint", Endpoint.ToString()),
        new("Iess:Messaging:Sms:ApiKey", ApiKey),
    ];

    public static async Task<TestSmsGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        WebApplication app;
        // WebApplicationFactory finds the app's host by listening to every host built in the process; building this
        // one under the same lock keeps a factory starting in parallel from picking up the gateway instead.
        lock (HostBuildLock.Gate)
        {
            app = builder.Build();
        }

        var gateway = new TestSmsGateway(app);
        app.Urls.Add("http://127.0.0.1:0");
        app.MapPost("/sms", async (HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            var root = body.RootElement;
            var sms = new ReceivedSms(
                root.TryGetProperty("to", out var to) ? to.GetString() ?? "" : "",
                root.TryGetProperty("text", out var text) ? text.GetString() ?? "" : "",
                request.Headers.Authorization.ToString());
            if (sms.Authorization != "Bearer " + ApiKey)
            {
                return Results.StatusCode((int)HttpStatusCode.Unauthorized);
            }

            gateway.received.Enqueue(sms);
            gateway.arrived.Release();
            return Results.Accepted();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        gateway.Endpoint = new Uri(new Uri(address), "/sms");
        return gateway;
    }

    /// <summary>Waits until an SMS to <paramref name="to"/> arrives (skipping <paramref name="skip"/> earlier ones), or fails.</summary>
    public async Task<ReceivedSms> WaitForAsync(string to, int skip = 0, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var found = received.Where(s => s.To == to).Skip(skip).FirstOrDefault();
            if (found is not null)
            {
                return found;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No SMS to {to} arrived; {received.Count} received: {string.Join(" | ", received.Select(s => s.To))}");
            }

            await arrived.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(left.TotalMilliseconds, 200)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>One SMS as the gateway received it.</summary>
public sealed record ReceivedSms(string To, string Text, string Authorization);
