using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Iess.Identity.Data;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.Topology;

/// <summary>
/// Two nodes behind nginx, which sends every request to the other node than the one before: a sign-in or a recovery
/// only works when everything it needs (flows, antiforgery and cookie keys, signing keys, codes) is in the database.
/// </summary>
[Collection(TopologyCollection.Name)]
public sealed partial class TwoNodeTests(TopologyFixture topology) : IAsyncLifetime
{
    public Task InitializeAsync() => topology.EnsureRunningAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SignIn_WithEachRequestOnTheOtherNode_GivesTokensBothNodesAccept()
    {
        var before = topology.Proxy.Log().Count;

        var tokens = await PublicClientTokens.TokensAsync(topology.Address, SignInAnswers.Affiliate, "openid profile offline_access");

        var requests = topology.Proxy.Log().Skip(before).ToList();
        AssertAlternated(requests);
        // The password is checked on one node, the code issued from its cookie on the other, and redeemed on the first.
        var signIn = requests.Single(r => r is { Method: "POST", Path: "/Login" });
        var issuesCode = requests.Last(r => r.Path == "/connect/authorize");
        var token = requests.Single(r => r.Path == "/connect/token");
        Assert.NotEqual(signIn.Node, issuesCode.Node);
        Assert.NotEqual(issuesCode.Node, token.Node);
        Assert.Equal(HttpStatusCode.OK, (HttpStatusCode)token.Status);

        // Signing keys: each node publishes the same keys and accepts the other's access tokens and refresh tokens.
        var jwks = new List<string>();
        foreach (var node in topology.Nodes)
        {
            using var http = new HttpClient { BaseAddress = node.Address };
            jwks.Add(await http.GetStringAsync("/.well-known/jwks"));
            using var userinfo = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
            userinfo.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("access_token").GetString());
            using var answer = await http.SendAsync(userinfo);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        Assert.Equal(jwks[0], jwks[1]);
        var refresh = tokens.GetProperty("refresh_token").GetString()!;
        foreach (var node in topology.Nodes)
        {
            using var http = new HttpClient { BaseAddress = node.Address };
            using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token", ["client_id"] = DemoAccounts.PublicClientId, ["refresh_token"] = refresh,
            }));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            refresh = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refresh_token").GetString()!;
        }
    }

    [Fact]
    public async Task Recovery_StartedOnOneNode_ContinuesOnTheOther_AndTheNewPasswordWorks()
    {
        var affiliate = await topology.CreateAffiliateAsync();
        var before = topology.Proxy.Log().Count;
        using var browser = topology.Browser();
        var recovery = new RecoveryDriver(browser);

        var code = await ReachCodeAsync(topology, recovery, affiliate);
        Assert.Equal("/Recovery/Reset", RecoveryDriver.Location(await recovery.CodeAsync(code)));
        Assert.Equal("/Recovery/Done", RecoveryDriver.Location(await recovery.ResetAsync("Nueva-Clave-Cotopaxi-2027")));

        AssertAlternated(topology.Proxy.Log().Skip(before).ToList());
        using var signIn = topology.Browser();
        Assert.Equal("/", RecoveryDriver.Location(await signIn.SignInAsync(affiliate.Cedula, "Nueva-Clave-Cotopaxi-2027")));
    }

    [Fact]
    public async Task ForwardedFor_IsBelievedOnlyFromTheProxy()
    {
        // The "client" connects from 127.0.0.3, the proxy from 127.0.0.1 (the one trusted address).
        const string Client = "127.0.0.3";
        const string Spoofed = "203.0.113.77";

        await FailSignInAsync(topology.NodeA.Address, Client, Spoofed);
        Assert.Equal(Client, await LastFailedSignInAddressAsync());

        await FailSignInAsync(topology.Address, Client, Spoofed);
        Assert.Equal(Client, await LastFailedSignInAddressAsync());

        await FailSignInAsync(topology.Address, Client, spoofedForwardedFor: null);
        Assert.Equal(Client, await LastFailedSignInAddressAsync());
    }

    /// <summary>Walks identify, date of birth, image and the email channel; returns the code the email brought.</summary>
    public static async Task<string> ReachCodeAsync(TopologyFixture topology, RecoveryDriver recovery, TestAffiliate affiliate)
    {
        Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await recovery.IdentifyAsync(affiliate.Cedula)));
        Assert.Equal("/Recovery/Image", RecoveryDriver.Location(await recovery.DateOfBirthAsync(TestAffiliates.KnownDateOfBirth)));
        Assert.Equal("/Recovery/Channel", RecoveryDriver.Location(await recovery.PickImageAsync(affiliate.Image)));
        var earlier = topology.Smtp.Received.ToHashSet();
        Assert.Equal("/Recovery/Code", RecoveryDriver.Location(await recovery.ChooseChannelAsync("Email")));
        var mail = await topology.Smtp.WaitForAsync(m => !earlier.Contains(m) && IsCodeFor(m, affiliate), TimeSpan.FromSeconds(60));
        return CodePattern().Match(mail.TextBody ?? "").Groups[1].Value;
    }

    /// <summary>The recovery code email to this affiliate.</summary>
    public static bool IsCodeFor(MimeKit.MimeMessage message, TestAffiliate affiliate) =>
        message.To.ToString().Contains(affiliate.Email, StringComparison.Ordinal) && (message.Subject ?? "").StartsWith("Su código para recuperar", StringComparison.Ordinal);

    /// <summary>No stickiness: every request went to the other node than the one before it.</summary>
    private static void AssertAlternated(IReadOnlyList<ProxiedRequest> requests)
    {
        Assert.True(requests.Count >= 4, $"only {requests.Count} requests were logged");
        for (var i = 1; i < requests.Count; i++)
        {
            Assert.True(requests[i].Node != requests[i - 1].Node, $"{requests[i - 1].Path} and {requests[i].Path} were both served by {requests[i].Node}");
        }
    }

    private static async Task FailSignInAsync(Uri server, string fromAddress, string? spoofedForwardedFor)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = new CookieContainer(),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse(fromAddress), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var http = new HttpClient(handler) { BaseAddress = server };
        if (spoofedForwardedFor is not null)
        {
            http.DefaultRequestHeaders.Add("X-Forwarded-For", spoofedForwardedFor);
        }

        var page = await http.GetStringAsync("/Login");
        using var response = await http.PostAsync("/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Identifier"] = TestAffiliates.NewCedula(), ["Input.Password"] = "no-es-la-clave", ["__af"] = FormClient.AntiforgeryToken(page)!,
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<string?> LastFailedSignInAddressAsync()
    {
        await using var scope = topology.Database.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        return await db.AuditEvents.AsNoTracking().Where(e => e.Type == "signin.failed").OrderByDescending(e => e.Sequence).Select(e => e.IpAddress).FirstAsync();
    }

    [GeneratedRegex(@"verificación es: ([0-9]{6})")]
    private static partial Regex CodePattern();
}
