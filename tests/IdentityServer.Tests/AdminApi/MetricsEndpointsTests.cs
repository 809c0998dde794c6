using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Iess.Identity.Data;
using Iess.Identity.Messaging;
using Iess.Identity.Recovery;
using Iess.Identity.Tests.Accounts;
using Iess.Identity.Tests.Infrastructure;
using Iess.Identity.Tests.Recovery;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.AdminApi;

/// <summary>The dashboard's figures equal those computed here from the recoveries this test ran (real SMTP, real SMS gateway).</summary>
[Collection(RecoveryCollection.Name)]
public sealed partial class MetricsEndpointsTests(RecoveryServerFixture fixture)
{
    [Fact]
    public async Task Metrics_EqualTheFiguresOfTheFlowsRun_PerMethod()
    {
        var from = fixture.Clock.GetUtcNow().AddSeconds(-1);
        var ran = new List<Guid>
        {
            await RecoverAsync("Email", complete: true),
            await RecoverAsync("Email", complete: true),
            await RecoverAsync("Email", complete: false),
            await RecoverAsync("Sms", complete: true),
            await RecoverAsync("Sms", complete: false),
        };
        var inPerson = await RecordOfficialUpdateAsync();
        using var http = OfficerTokens.Client(fixture.Server.BaseAddress, await OfficerTokens.AccessTokenAsync(fixture.Server, Identity.AdminApi.OfficerRoles.Helpdesk));
        using (var browser = fixture.Browser())
        {
            await browser.SignInAsync(DemoAccounts.SecondAffiliateCedula, DemoAccounts.SecondAffiliatePassword);
        }

        await Eventually.ValueAsync(() => UndeliveredAsync([.. ran, inPerson]), n => n == 0, TimeSpan.FromSeconds(30));
        var to = fixture.Clock.GetUtcNow().AddSeconds(1);

        var answer = await AdminCalls.GetAsync(http, $"/api/admin/metrics?from={Iso(from)}&to={Iso(to)}");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var methods = answer.Body.GetProperty("methods").EnumerateArray().ToDictionary(m => m.GetProperty("method").GetString()!);

        await using var scope = fixture.Server.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        var flows = await db.AccountFlows.AsNoTracking().Where(f => ran.Contains(f.Id) || f.Id == inPerson).ToListAsync();
        var messages = await db.OutboxMessages.AsNoTracking().Where(m => m.FlowId != null && (ran.Contains(m.FlowId.Value) || m.FlowId == inPerson)).ToListAsync();
        Assert.Equal(6, messages.Count); // every code message of the five recoveries and the official update carries its flow
        foreach (var (method, channel, requests, completions) in new[]
        {
            ("email", (PossessionChannel?)PossessionChannel.Email, 3, 2),
            ("sms", PossessionChannel.Sms, 2, 1),
            ("in_person", null, 1, 1),
        })
        {
            var mine = flows.Where(f => method == "in_person" ? f.Kind == FlowKind.OfficialUpdate : f.Kind == FlowKind.AffiliateRecovery && f.Channel == channel).ToList();
            var waits = messages.Where(m => mine.Any(f => f.Id == m.FlowId)).Select(m => (m.SentAt!.Value - m.QueuedAt).TotalSeconds).ToList();
            var finish = mine.Where(f => f.State == FlowState.Completed).Select(f => (f.CompletedAt!.Value - f.CreatedAt).TotalSeconds).ToList();
            var row = methods[method];
            Assert.Equal(requests, mine.Count);
            Assert.Equal(requests, row.GetProperty("requests").GetInt32());
            Assert.Equal(completions, row.GetProperty("completions").GetInt32());
            Assert.Equal((double)completions / requests, row.GetProperty("completionRate").GetDouble(), 6);
            Assert.Equal(NearestRank(waits, 0.5), row.GetProperty("medianDeliverySeconds").GetDouble(), 3);
            Assert.Equal(NearestRank(waits, 0.9), row.GetProperty("p90DeliverySeconds").GetDouble(), 3);
            Assert.Equal(NearestRank(finish, 0.5), row.GetProperty("medianTimeToFinishSeconds").GetDouble(), 3);
        }

        var signIns = answer.Body.GetProperty("signIns");
        var successes = await db.AuditEvents.CountAsync(e => e.Type == "signin.success" && e.OccurredAt >= from && e.OccurredAt < to);
        Assert.True(successes >= 2, "the officer's and the affiliate's sign-ins");
        Assert.Equal(successes, signIns.GetProperty("successes").GetInt32());
        Assert.Equal(0, signIns.GetProperty("lockouts").GetInt32());

        var tooLong = await AdminCalls.GetAsync(http, $"/api/admin/metrics?from=2020-01-01&to=2026-01-01");
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
        var reversed = await AdminCalls.GetAsync(http, $"/api/admin/metrics?from={Iso(to)}&to={Iso(from)}");
        Assert.Equal(HttpStatusCode.BadRequest, reversed.Status);
    }

    /// <summary>One recovery of a new affiliate by <paramref name="channel"/>, completed or left at the code step; its flow id.</summary>
    private async Task<Guid> RecoverAsync(string channel, bool complete)
    {
        var phone = "+59399" + Random.Shared.Next(1_000_000, 9_999_999);
        var affiliate = await fixture.CreateAffiliateAsync(TestIds.NewCedula(), phone);
        using var browser = fixture.Browser();
        var recovery = new RecoveryDriver(browser);
        await RecoveryServerFixture.ReachChannelAsync(recovery, affiliate.Cedula, affiliate.Image);
        Assert.Equal("/Recovery/Code", RecoveryDriver.Location(await recovery.ChooseChannelAsync(channel)));
        var flow = fixture.FlowIdOf(browser);
        var code = channel == "Sms"
            ? SixDigits().Match((await fixture.Sms.WaitForAsync(phone)).Text).Value
            : EmailCode().Match((await fixture.Smtp.WaitForAsync(m => m.To.ToString().Contains(affiliate.Email, StringComparison.OrdinalIgnoreCase))).TextBody ?? "").Groups[1].Value;
        if (complete)
        {
            Assert.Equal("/Recovery/Reset", RecoveryDriver.Location(await recovery.CodeAsync(code)));
            Assert.Equal("/Recovery/Done", RecoveryDriver.Location(await recovery.ResetAsync("Nueva-Clave-Tungurahua-2027")));
        }

        return flow;
    }

    /// <summary>
    /// An official update as the console's in-person flow stores it: a completed flow whose verification code went to
    /// the new address through the outbox (written here directly: this test is about the figures, not that flow).
    /// </summary>
    private async Task<Guid> RecordOfficialUpdateAsync()
    {
        await using var scope = fixture.Server.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<MessageOutbox>();
        var now = fixture.Clock.GetUtcNow();
        var flow = new AccountFlow
        {
            Id = Guid.NewGuid(), Kind = FlowKind.OfficialUpdate, State = FlowState.Completed, IdentifierHash = "official-update-test",
            Channel = PossessionChannel.Email, CreatedAt = now, UpdatedAt = now, ExpiresAt = now.AddDays(1), CompletedAt = now.AddMinutes(4),
        };
        db.AccountFlows.Add(flow);
        outbox.QueueEmail("nuevo.correo@example.ec", EmailTemplates.VerificationCode("Rosa Elena Quishpe", "123456"), "official_update.email", null).FlowId = flow.Id;
        await db.SaveChangesAsync();
        return flow.Id;
    }

    private async Task<int> UndeliveredAsync(List<Guid> flows)
    {
        await using var scope = fixture.Server.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IessDbContext>().OutboxMessages
            .CountAsync(m => m.FlowId != null && flows.Contains(m.FlowId.Value) && m.SentAt == null);
    }

    private static double NearestRank(List<double> values, double p)
    {
        values.Sort();
        return values[Math.Clamp((int)Math.Ceiling(p * values.Count) - 1, 0, values.Count - 1)];
    }

    private static string Iso(DateTimeOffset value) => Uri.EscapeDataString(value.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"(?<!\d)\d{6}(?!\d)")]
    private static partial Regex SixDigits();

    [GeneratedRegex(@"código de verificación es: (\d{6})")]
    private static partial Regex EmailCode();
}
