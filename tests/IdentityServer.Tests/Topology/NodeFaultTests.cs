using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Iess.Identity.Accounts;
using Iess.Identity.Data;
using Iess.Identity.Messaging;
using Iess.Identity.Recovery;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenIddict.EntityFrameworkCore.Models;
using Xunit.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Iess.Identity.Tests.Topology;

/// <summary>Nodes killed with kill -9 at the worst moments, and the database cut off for a while.</summary>
[Collection(TopologyCollection.Name)]
public sealed class NodeFaultTests(TopologyFixture topology, ITestOutputHelper output) : IAsyncLifetime
{
    public Task InitializeAsync() => topology.EnsureRunningAsync();

    public Task DisposeAsync() => topology.EnsureRunningAsync();

    [Fact]
    public async Task NodeKilledWhileSendingTheRecoveryEmail_TheOtherNodeDeliversItOnce_AndTheFlowCompletes()
    {
        var affiliate = await topology.CreateAffiliateAsync();
        using var browser = topology.Browser();
        var recovery = new RecoveryDriver(browser);
        Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await recovery.IdentifyAsync(affiliate.Cedula)));
        Assert.Equal("/Recovery/Image", RecoveryDriver.Location(await recovery.DateOfBirthAsync(TestAffiliates.KnownDateOfBirth)));
        Assert.Equal("/Recovery/Channel", RecoveryDriver.Location(await recovery.PickImageAsync(affiliate.Image)));

        // The SMTP server holds the code email at the end of DATA: the sending node waits for the relay's answer.
        var hold = topology.Smtp.HoldNext(m => TwoNodeTests.IsCodeFor(m, affiliate));
        Assert.Equal("/Recovery/Code", RecoveryDriver.Location(await recovery.ChooseChannelAsync("Email")));
        await hold.Reached.WaitAsync(TimeSpan.FromSeconds(60));
        var claimedBy = (await CodeMessageAsync(affiliate)).ClaimedBy!;
        var sender = topology.NodeClaiming(claimedBy);
        sender.Kill();
        hold.Release(accept: false);

        var mail = await topology.Smtp.WaitForAsync(m => TwoNodeTests.IsCodeFor(m, affiliate), TimeSpan.FromSeconds(60));
        var code = System.Text.RegularExpressions.Regex.Match(mail.TextBody ?? "", @"verificación es: ([0-9]{6})").Groups[1].Value;
        Assert.Equal("/Recovery/Reset", RecoveryDriver.Location(await recovery.CodeAsync(code)));
        Assert.Equal("/Recovery/Done", RecoveryDriver.Location(await recovery.ResetAsync("Otra-Clave-Chimborazo-2027")));

        var message = await CodeMessageAsync(affiliate);
        Assert.NotNull(message.SentAt);
        await Task.Delay(TopologyFixture.ClaimTimeout + TimeSpan.FromSeconds(1));
        Assert.Single(topology.Smtp.Received, m => TwoNodeTests.IsCodeFor(m, affiliate));
        using var signIn = topology.Browser();
        Assert.Equal("/", RecoveryDriver.Location(await signIn.SignInAsync(affiliate.Cedula, "Otra-Clave-Chimborazo-2027")));
    }

    [Fact]
    public async Task NodeKilledDuringThePasswordChange_LeavesAllOrNothing_AndTheFlowCanFinish()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("IESS_KILL_ITERATIONS"), out var n) ? n : 3;
        var affiliate = await topology.CreateAffiliateAsync();
        var password = TestAffiliates.InitialPassword;
        var outcomes = new List<string>();
        Task restarting = Task.CompletedTask;
        for (var i = 0; i < iterations; i++)
        {
            var victim = topology.Nodes[i % 2];
            _ = await PublicClientTokens.RefreshTokenAsync(topology.Address, new SignInAnswers(affiliate.Cedula, password));
            using var browser = topology.Browser();
            var recovery = new RecoveryDriver(browser);
            var code = await TwoNodeTests.ReachCodeAsync(topology, recovery, affiliate);
            Assert.Equal("/Recovery/Reset", RecoveryDriver.Location(await recovery.CodeAsync(code)));
            var flowId = FlowIdOf(browser);
            var before = await SnapshotAsync(affiliate, flowId);
            Assert.True(before.ValidTokens > 0);
            Assert.Equal(FlowState.PossessionVerified, before.Flow);

            await restarting;
            var newPassword = TestPasswords.New("Nueva");
            using var direct = new FormClient(victim.Address, browser.Cookies);
            var form = await direct.Http.GetStringAsync("/Recovery/Reset");
            var post = direct.Http.PostAsync("/Recovery/Reset", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Password"] = newPassword, ["Confirmation"] = newPassword, ["__af"] = FormClient.AntiforgeryToken(form)!,
            }));

            // Odd runs kill as soon as the change's transaction is open in PostgreSQL; even runs at a random moment.
            var moment = i % 2 == 1 ? await TransactionOpenAsync(post) : await RandomMomentAsync(post);
            victim.Kill();
            try
            {
                (await post).Dispose();
            }
            catch (HttpRequestException)
            {
            }

            var after = await SnapshotAsync(affiliate, flowId);
            var changed = after.PasswordHash != before.PasswordHash;
            outcomes.Add($"{moment} → {(changed ? "committed" : "rolled back")}");
            if (changed)
            {
                Assert.Equal(before.History + 1, after.History);
                Assert.Equal(FlowState.Completed, after.Flow);
                Assert.Equal(0, after.ValidTokens);
                Assert.Equal(before.Notices + 1, after.Notices);
                password = newPassword;
            }
            else
            {
                Assert.Equal(before, after);
                restarting = victim.StartAsync();
                Assert.Equal("/Recovery/Done", RecoveryDriver.Location(await recovery.ResetAsync(newPassword)));
                var finished = await SnapshotAsync(affiliate, flowId);
                Assert.Equal((before.History + 1, FlowState.Completed, 0, before.Notices + 1), (finished.History, finished.Flow, finished.ValidTokens, finished.Notices));
                password = newPassword;
            }

            if (!victim.IsRunning)
            {
                restarting = victim.StartAsync();
            }
        }

        await restarting;
        output.WriteLine("Kills during the password change: " + string.Join("; ", outcomes));
        using var signIn = topology.Browser();
        Assert.Equal("/", RecoveryDriver.Location(await signIn.SignInAsync(affiliate.Cedula, password)));
    }

    [Fact]
    public async Task DatabaseCutOff_Answers503_AndServiceResumesByItselfWhenItReturns()
    {
        var refresh = await PublicClientTokens.RefreshTokenAsync(topology.Address, SignInAnswers.Affiliate);
        using var browser = topology.Browser();
        var loginForm = await browser.Http.GetStringAsync("/Login");

        topology.DatabaseLink.Cut();
        var cutAt = Stopwatch.StartNew();
        try
        {
            foreach (var node in topology.Nodes)
            {
                using var http = new HttpClient { BaseAddress = node.Address, Timeout = TimeSpan.FromSeconds(30) };
                await Eventually.ValueAsync(async () => (await http.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
            }

            var detected = cutAt.Elapsed;

            // A page that needs the database: the Spanish 503 page, with Retry-After, through the proxy.
            var started = Stopwatch.StartNew();
            using var signIn = await browser.Http.PostAsync("/Login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.Identifier"] = DemoAccounts.AffiliateCedula, ["Input.Password"] = DemoAccounts.AffiliatePassword, ["__af"] = FormClient.AntiforgeryToken(loginForm)!,
            }));
            var pageTime = started.Elapsed;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, signIn.StatusCode);
            Assert.NotNull(signIn.Headers.RetryAfter);
            Assert.Contains("no está disponible por un momento", WebUtility.HtmlDecode(await signIn.Content.ReadAsStringAsync()));

            // In English for a browser that chose it.
            browser.Cookies.Add(topology.Address, new Cookie(".AspNetCore.Culture", "c=en|uic=en"));
            using var english = await browser.Http.PostAsync("/Login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.Identifier"] = DemoAccounts.AffiliateCedula, ["Input.Password"] = DemoAccounts.AffiliatePassword, ["__af"] = FormClient.AntiforgeryToken(loginForm)!,
            }));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, english.StatusCode);
            Assert.Contains("unavailable for a moment", await english.Content.ReadAsStringAsync());

            // An app gets OAuth JSON.
            using var token = await RefreshAsync(topology.Address, refresh);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, token.StatusCode);
            Assert.Equal("temporarily_unavailable", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
            Assert.NotNull(token.Headers.RetryAfter);
            output.WriteLine($"Outage detected by /health/ready after {detected.TotalSeconds:0.0} s; a page needing the database answered 503 in {pageTime.TotalMilliseconds:0} ms.");
        }
        finally
        {
            topology.DatabaseLink.Restore();
        }

        // Restored: no restart, each node is ready again and the refresh token (not consumed by the failed try) works.
        var restoredAt = Stopwatch.StartNew();
        foreach (var node in topology.Nodes)
        {
            using var http = new HttpClient { BaseAddress = node.Address };
            await Eventually.ValueAsync(async () => (await http.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        }

        var ready = restoredAt.Elapsed;
        await Eventually.ValueAsync(async () => (await RefreshAsync(topology.Address, refresh)).StatusCode, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        var served = restoredAt.Elapsed;
        Assert.True(topology.NodeA.IsRunning && topology.NodeB.IsRunning);
        using var again = topology.Browser();
        Assert.Equal("/", RecoveryDriver.Location(await again.SignInAsync(DemoAccounts.SecondAffiliateCedula, DemoAccounts.SecondAffiliatePassword)));
        output.WriteLine($"After the database returned: both nodes ready in {ready.TotalSeconds:0.0} s, first token served in {served.TotalSeconds:0.0} s.");
    }

    private static async Task<HttpResponseMessage> RefreshAsync(Uri server, string refreshToken)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        return await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = DemoAccounts.PublicClientId, ["refresh_token"] = refreshToken,
        }));
    }

    private async Task<OutboxMessage> CodeMessageAsync(TestAffiliate affiliate)
    {
        await using var scope = topology.Database.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        return await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Recipient == affiliate.Email && m.Channel == MessageChannel.Email && m.Purpose != "password.changed");
    }

    private Guid FlowIdOf(FormClient browser)
    {
        var cookie = browser.Cookies.GetCookies(new Uri(topology.Address, "/Recovery/Reset"))[FlowStore.Cookie(FlowKind.AffiliateRecovery).Name]!;
        return Guid.ParseExact(cookie.Value.Split('.')[0], "N");
    }

    /// <summary>Everything the password change touches, read straight from the database.</summary>
    private async Task<Snapshot> SnapshotAsync(TestAffiliate affiliate, Guid flowId)
    {
        await using var scope = topology.Database.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        var key = IessUser.AccountKey(AccountType.Affiliate, affiliate.Cedula);
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == key);
        return new Snapshot(
            user.PasswordHash!,
            await db.PasswordHistory.CountAsync(h => h.UserId == user.Id),
            (await db.AccountFlows.AsNoTracking().SingleAsync(f => f.Id == flowId)).State,
            await db.Set<OpenIddictEntityFrameworkCoreToken>().CountAsync(t => t.Subject == user.Id && t.Status == Statuses.Valid),
            await db.OutboxMessages.CountAsync(m => m.UserId == user.Id && m.Purpose == "password.changed"));
    }

    /// <summary>Waits until a transaction of the app is open in PostgreSQL (the change is half-way), or the request ended.</summary>
    private async Task<string> TransactionOpenAsync(Task<HttpResponseMessage> post)
    {
        await using var connection = new NpgsqlConnection(topology.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'", connection);
        var watch = Stopwatch.StartNew();
        while (!post.IsCompleted && watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return $"inside the transaction after {watch.ElapsedMilliseconds} ms";
            }
        }

        return $"request ended first ({watch.ElapsedMilliseconds} ms)";
    }

    private static async Task<string> RandomMomentAsync(Task<HttpResponseMessage> post)
    {
        var delay = Random.Shared.Next(0, 400);
        await Task.WhenAny(post, Task.Delay(delay));
        return post.IsCompleted ? $"after the answer (planned {delay} ms)" : $"at {delay} ms";
    }

    private sealed record Snapshot(string PasswordHash, int History, FlowState Flow, int ValidTokens, int Notices);
}
