using System.Text.RegularExpressions;
using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Recovery;

public sealed partial class EmailRecoveryTests : IAsyncLifetime
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
    public async Task EmailLink_EndToEnd_SetsNewPassword_OldFailsNewSignsIn()
    {
        using var browser = new FormClient(server.BaseAddress);
        var recovery = new RecoveryDriver(browser);

        Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await recovery.IdentifyAsync("171003406-5")));
        Assert.Equal("/Recovery/Image", RecoveryDriver.Location(await recovery.DateOfBirthAsync("1985-03-14")));
        Assert.Equal("/Recovery/Channel", RecoveryDriver.Location(await recovery.PickImageAsync(6)));
        Assert.Equal("/Recovery/Code", RecoveryDriver.Location(await recovery.ChooseChannelAsync("Email")));
        var codePage = await browser.Http.GetStringAsync("/Recovery/Code");
        Assert.Contains("m***@e***.ec", codePage);

        var mail = await smtp.WaitForAsync(m => (m.Subject ?? "").StartsWith("Su código para recuperar", StringComparison.Ordinal));
        var link = new Uri(LinkPattern().Match(mail.TextBody ?? "").Value);
        using var otherDevice = new FormClient(server.BaseAddress);
        Assert.Equal("/Recovery/Reset", RecoveryDriver.Location(await new RecoveryDriver(otherDevice).ConfirmLinkAsync(link)));
        Assert.Equal("/Recovery/Done", RecoveryDriver.Location(await new RecoveryDriver(otherDevice).ResetAsync("Nueva-Clave-Volcanes-2027")));

        await smtp.WaitForAsync(m => (m.Subject ?? "").StartsWith("Su clave del IESS fue cambiada", StringComparison.Ordinal));
        using var signIn = new FormClient(server.BaseAddress);
        Assert.Contains("no son correctas", await (await signIn.SignInAsync(DemoAccounts.AffiliateCedula, DemoAccounts.AffiliatePassword)).Content.ReadAsStringAsync());
        Assert.Equal("/", RecoveryDriver.Location(await signIn.SignInAsync(DemoAccounts.AffiliateCedula, "Nueva-Clave-Volcanes-2027")));
    }

    [GeneratedRegex(@"http://\S+/Recovery/Link\?flow=[0-9a-f]{32}&token=[A-Za-z0-9_-]+")]
    private static partial Regex LinkPattern();
}
