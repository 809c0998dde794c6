using System.Text.RegularExpressions;
using Iess.Identity.Recovery;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.Recovery;

public sealed partial class RecoveryMetricsTests : IAsyncLifetime
{
    private readonly TestSmtpServer smtp = new();
    private readonly IessServerFactory server = new();

    public Task InitializeAsync()
    {
        server.WithSettings(smtp.AppSettings);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await smtp.DisposeAsync();
    }

    [Fact]
    public async Task EmailFigures_CountRequestsAndCompletions_OfTheFlowsRun()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        await RunToCodeAsync(complete: true);
        await RunToCodeAsync(complete: false);

        await using var scope = server.CreateScope();
        var figures = await scope.ServiceProvider.GetRequiredService<RecoveryMetrics>().ForPeriodAsync(start, DateTimeOffset.UtcNow.AddMinutes(1));
        var email = figures.Single(f => f.Method == VerificationMethod.Email);
        var sms = figures.Single(f => f.Method == VerificationMethod.Sms);

        Assert.Equal(2, email.Requests);
        Assert.Equal(1, email.Completions);
        Assert.Equal(0.5, email.CompletionRate);
        Assert.NotNull(email.MedianDelivery);
        Assert.True(email.MedianDelivery <= email.P90Delivery);
        Assert.NotNull(email.MedianTimeToFinish);
        Assert.Equal(0, sms.Requests);
        Assert.Null(sms.MedianDelivery);
    }

    private async Task RunToCodeAsync(bool complete)
    {
        using var browser = new FormClient(server.BaseAddress);
        var driver = new RecoveryDriver(browser);
        var codesBefore = CodeMails().Count;
        await driver.IdentifyAsync(DemoAccounts.AffiliateCedula);
        await driver.DateOfBirthAsync("1985-03-14");
        await driver.PickImageAsync(6);
        await driver.ChooseChannelAsync("Email");
        await smtp.WaitForAsync(_ => CodeMails().Count > codesBefore);
        var mail = CodeMails()[^1];
        if (complete)
        {
            await driver.CodeAsync(CodePattern().Match(mail.TextBody ?? "").Groups[1].Value);
            Assert.Equal("/Recovery/Done", RecoveryDriver.Location(await driver.ResetAsync("Otra-Clave-Nueva-Cotopaxi-31")));
        }
    }

    private List<MimeKit.MimeMessage> CodeMails() =>
        [.. smtp.Received.Where(m => (m.Subject ?? "").StartsWith("Su código", StringComparison.Ordinal))];

    [GeneratedRegex(@"código de verificación es: (\d{6})")]
    private static partial Regex CodePattern();
}
