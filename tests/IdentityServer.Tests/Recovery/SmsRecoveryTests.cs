using System.Text.RegularExpressions;
using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Recovery;

[Collection(RecoveryCollection.Name)]
public sealed partial class SmsRecoveryTests(RecoveryServerFixture fixture)
{
    [Fact]
    public async Task SmsCode_EndToEnd_SpanishSmsWithKeyAndCode_NewPasswordSignsIn()
    {
        var affiliate = await fixture.CreateAffiliateAsync("0750172033", "+593990000101");
        using var browser = fixture.Browser();
        var recovery = new RecoveryDriver(browser);

        await RecoveryServerFixture.ReachChannelAsync(recovery, affiliate.Cedula, affiliate.Image);
        Assert.Equal("/Recovery/Code", RecoveryDriver.Location(await recovery.ChooseChannelAsync("Sms")));
        var codePage = await browser.Http.GetStringAsync("/Recovery/Code");
        Assert.Contains("*** *** 0101", codePage);

        var sms = await fixture.Sms.WaitForAsync(affiliate.Phone);
        Assert.Equal("Bearer " + TestSmsGateway.ApiKey, sms.Authorization);
        Assert.Contains("recuperar la clave", sms.Text);
        Assert.Contains("No lo comparta", sms.Text);
        var code = SixDigits().Match(sms.Text);
        Assert.True(code.Success, $"No 6-digit code in: {sms.Text}");

        Assert.Equal("/Recovery/Reset", RecoveryDriver.Location(await recovery.CodeAsync(code.Value)));
        Assert.Equal("/Recovery/Done", RecoveryDriver.Location(await recovery.ResetAsync("Nueva-Clave-Cotopaxi-2027")));

        using var signIn = fixture.Browser();
        Assert.Contains("no son correctas", await (await signIn.SignInAsync(affiliate.Cedula, RecoveryServerFixture.InitialPassword)).Content.ReadAsStringAsync());
        Assert.Equal("/", RecoveryDriver.Location(await signIn.SignInAsync(affiliate.Cedula, "Nueva-Clave-Cotopaxi-2027")));
    }

    [GeneratedRegex(@"(?<!\d)\d{6}(?!\d)")]
    private static partial Regex SixDigits();
}
