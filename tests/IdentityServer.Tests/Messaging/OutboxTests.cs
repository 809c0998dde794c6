using Iess.Identity.Data;
using Iess.Identity.Messaging;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.Messaging;

public sealed class OutboxTests : IAsyncLifetime
{
    private readonly TestSmtpServer smtp = new();
    private IessServerFactory server = null!;

    public Task InitializeAsync()
    {
        server = new IessServerFactory();
        server.WithSettings(smtp.AppSettings);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await smtp.DisposeAsync();
    }

    [Fact]
    public async Task Lockout_SendsSpanishNoticeWithTextAndHtml_OverRealSmtp()
    {
        using var browser = new FormClient(server.BaseAddress);
        for (var i = 0; i < 5; i++)
        {
            await browser.SignInAsync(DemoAccounts.AffiliateCedula, "una-clave-equivocada-" + i);
        }

        var mail = await smtp.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == "maria.perez@example.ec"));

        Assert.StartsWith("Su cuenta del IESS fue bloqueada temporalmente", mail.Subject);
        Assert.Contains("Si usted no intentó ingresar", mail.TextBody);
        Assert.Contains("<html lang=\"es-EC\">", mail.HtmlBody);
        Assert.DoesNotContain("<img", mail.HtmlBody);
        Assert.DoesNotContain("http://", mail.HtmlBody);
        await using var scope = server.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        var row = await Eventually.ValueAsync(() => db.OutboxMessages.AsNoTracking().SingleAsync(), r => r.SentAt is not null);
        Assert.Equal("account.locked", row.Purpose);
    }

    [Fact]
    public async Task TwoDispatchers_OnOneDatabase_DeliverEveryMessageExactlyOnce()
    {
        const int count = 40;
        await using (var scope = server.CreateScope())
        {
            var outbox = scope.ServiceProvider.GetRequiredService<MessageOutbox>();
            for (var i = 0; i < count; i++)
            {
                outbox.QueueEmail($"persona{i}@example.ec", new EmailContent($"Mensaje {i}", "<p>hola</p>", "hola"), "test", null);
            }

            await scope.ServiceProvider.GetRequiredService<IessDbContext>().SaveChangesAsync();
        }

        // A second node: another dispatcher with its own identity, racing the app's own background dispatcher.
        var other = ActivatorUtilities.CreateInstance<OutboxDispatcher>(server.Services);
        while (smtp.Received.Count < count)
        {
            await Task.WhenAll(other.DispatchBatchAsync(CancellationToken.None), Task.Delay(50));
        }

        await Task.Delay(1000);
        var subjects = smtp.Received.Select(m => m.Subject).ToList();
        Assert.Equal(count, subjects.Count);
        Assert.Equal(count, subjects.Distinct().Count());
    }

    [Fact]
    public async Task SmtpDown_MessageStaysQueuedWithError_ThenDeliversWhenServerIsBack()
    {
        // The app's own dispatcher runs once at start and then sleeps, so only this test's calls send.
        server.WithSetting("Iess:Messaging:DispatchInterval", "01:00:00").WithSetting("Iess:Messaging:RetryDelay", "00:00:00");
        await using var scope = server.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        var dispatcher = server.Services.GetRequiredService<OutboxDispatcher>();
        await smtp.DisposeAsync();

        scope.ServiceProvider.GetRequiredService<MessageOutbox>().QueueEmail("nadie@example.ec", new EmailContent("Reintento", "<p>x</p>", "x"), "test", null);
        await db.SaveChangesAsync();
        await dispatcher.DispatchBatchAsync(CancellationToken.None);

        var row = await db.OutboxMessages.AsNoTracking().SingleAsync();
        Assert.Null(row.SentAt);
        Assert.Equal(1, row.Attempts);
        Assert.NotNull(row.LastError);

        await using var back = new TestSmtpServer(smtp.Port);
        await dispatcher.DispatchBatchAsync(CancellationToken.None);
        await back.WaitForAsync(m => m.Subject == "Reintento");
        row = await db.OutboxMessages.AsNoTracking().SingleAsync();
        Assert.NotNull(row.SentAt);
        Assert.Equal(2, row.Attempts);
    }
}
