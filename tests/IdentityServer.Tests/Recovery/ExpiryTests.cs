using System.Text.RegularExpressions;
using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Recovery;

/// <summary>
/// Expiries crossed with the server's FakeTimeProvider. Time jumps only after the message has arrived, because the
/// same clock drives the outbox dispatcher.
/// </summary>
[Collection(RecoveryCollection.Name)]
public sealed partial class ExpiryTests(RecoveryServerFixture fixture)
{
    [Fact]
    public async Task EmailLinkAndCode_After15Minutes_AreRefusedAsExpired()
    {
        var affiliate = await fixture.CreateAffiliateAsync("1348169093", "+593990000201");
        using var browser = fixture.Browser();
        var recovery = new RecoveryDriver(browser);
        await RecoveryServerFixture.ReachChannelAsync(recovery, affiliate.Cedula, affiliate.Image);
        Assert.Equal("/Recovery/Code", RecoveryDriver.Location(await recovery.ChooseChannelAsync("Email")));
        var mail = await fixture.Smtp.WaitForAsync(m => m.To.ToString().Contains(affiliate.Email, StringComparison.Ordinal));
        var link = new Uri(LinkPattern().Match(mail.TextBody ?? "").Value);
        var code = CodePattern().Match(mail.TextBody ?? "").Groups[1].Value;
        Assert.Matches("^[0-9]{6}$", code);

        fixture.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(5));

        var byCode = await recovery.CodeAsync(code);
        Assert.Contains("venció", await RecoveryServerFixture.BodyAsync(byCode));
        using var otherDevice = fixture.Browser();
        var byLink = await new RecoveryDriver(otherDevice).ConfirmLinkAsync(link);
        Assert.Contains("venció", await RecoveryServerFixture.BodyAsync(byLink));
        Assert.Equal("/Recovery/Code", RecoveryDriver.Location(await browser.Http.GetAsync("/Recovery/Reset")));
        Assert.Equal("/Recovery", RecoveryDriver.Location(await otherDevice.Http.GetAsync("/Recovery/Reset")));
    }

    [Fact]
    public async Task SmsCode_After3Minutes_IsRefusedAsExpired()
    {
        var affiliate = await fixture.CreateAffiliateAsync("1940397035", "+593990000202");
        using var browser = fixture.Browser();
        var recovery = new RecoveryDriver(browser);
        await RecoveryServerFixture.ReachChannelAsync(recovery, affiliate.Cedula, affiliate.Image);
        Assert.Equal("/Recovery/Code", RecoveryDriver.Location(await recovery.ChooseChannelAsync("Sms")));
        var sms = await fixture.Sms.WaitForAsync(affiliate.Phone);
        var code = SmsCode().Match(sms.Text).Value;

        fixture.Clock.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(5));

        var response = await recovery.CodeAsync(code);
        Assert.Contains("venció", await RecoveryServerFixture.BodyAsync(response));
        Assert.Equal("/Recovery/Code", RecoveryDriver.Location(await browser.Http.GetAsync("/Recovery/Reset")));
    }

    [GeneratedRegex(@"http://\S+/Recovery/Link\?flow=[0-9a-f]{32}&token=[A-Za-z0-9_-]+")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"verificación es: ([0-9]{6})")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"(?<!\d)\d{6}(?!\d)")]
    private static partial Regex SmsCode();
}
