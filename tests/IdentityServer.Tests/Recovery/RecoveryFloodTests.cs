using System.Net;
using Iess.Identity.Data;
using Iess.Identity.Hosting;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Iess.Identity.Tests.Recovery;

/// <summary>
/// A bot sprays the recovery form for one cédula from a thousand addresses, and even knows the date of birth and the
/// security image, so every flow it may start reaches the email step and asks for every resend. The person's inbox
/// receives at most flows-per-cédula × sends-per-flow messages, counted at a real SMTP server.
/// </summary>
public sealed class RecoveryFloodTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int FlowsPerDay = 3;
    private const int SendsPerFlow = 2;
    private readonly TestSmtpServer smtp = new();
    private IessServerFactory server = null!;

    [Fact]
    public async Task ThousandRecoveryRequestsForOneCedula_SendAtMostTheConfiguredMessages()
    {
        var started = 0;
        for (var request = 1; request <= 1000; request++)
        {
            using var bot = new FormClient(server.BaseAddress);
            bot.Http.DefaultRequestHeaders.Add("X-Forwarded-For", $"10.20.{request / 256}.{request % 256}");
            var recovery = new RecoveryDriver(bot);
            var identify = await recovery.IdentifyAsync(DemoAccounts.AffiliateCedula);
            if (identify.StatusCode == HttpStatusCode.OK)
            {
                Assert.Contains("Se alcanzó el número máximo de solicitudes", WebUtility.HtmlDecode(await identify.Content.ReadAsStringAsync()));
                continue;
            }

            started++;
            Assert.Equal("/Recovery/Know", RecoveryDriver.Location(identify));
            Assert.Equal("/Recovery/Image", RecoveryDriver.Location(await recovery.DateOfBirthAsync("1985-03-14")));
            Assert.Equal("/Recovery/Channel", RecoveryDriver.Location(await recovery.PickImageAsync(DevelopmentSeeder.DemoSecurityImage)));
            Assert.Equal("/Recovery/Code", RecoveryDriver.Location(await recovery.ChooseChannelAsync("Email")));
            for (var resend = 0; resend < 5; resend++)
            {
                await RecoveryServerFixture.ResendAsync(bot, "Email");
            }
        }

        const string inbox = "maria.perez@example.ec";
        await using var scope = server.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        var queued = await Eventually.ValueAsync(
            () => db.OutboxMessages.AsNoTracking().Where(m => m.Purpose.StartsWith("recovery")).ToListAsync(),
            messages => messages.Count > 0 && messages.All(m => m.SentAt != null));
        var delivered = await Eventually.ValueAsync(() => Task.FromResult(smtp.Received.Count), count => count >= queued.Count);

        output.WriteLine($"1000 recovery requests: {started} flows started, {queued.Count} messages queued, {delivered} delivered (cap {FlowsPerDay} × {SendsPerFlow}).");
        Assert.Equal(FlowsPerDay, started);
        Assert.Equal(FlowsPerDay * SendsPerFlow, queued.Count);
        Assert.All(queued, m => Assert.Equal(inbox, m.Recipient, ignoreCase: true));
        Assert.Equal(FlowsPerDay * SendsPerFlow, smtp.Received.Count);
    }

    public Task InitializeAsync()
    {
        server = new IessServerFactory()
            .WithSettings(smtp.AppSettings)
            .WithSetting("Iess:Hosting:TrustedProxies:0", "127.0.0.1")
            .WithSetting("Iess:Hosting:TrustedProxies:1", "::1")
            .WithSetting("Iess:Captcha:Difficulty", "1000")
            .WithSetting("Iess:Recovery:MaxFlowsPerIdentifierPerDay", FlowsPerDay.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithSetting("Iess:Recovery:MaxSendsPerFlow", SendsPerFlow.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithSetting("Iess:Recovery:ResendAfter", "00:00:00");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await smtp.DisposeAsync();
    }
}
