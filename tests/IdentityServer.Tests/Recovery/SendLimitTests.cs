using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Recovery;

/// <summary>Codes cannot be pumped: a cooldown between sends, a cap per flow and a daily cap per phone number.</summary>
[Collection(RecoveryCollection.Name)]
public sealed class SendLimitTests(RecoveryServerFixture fixture)
{
    [Fact]
    public async Task SmsResend_Within60Seconds_IsRefusedAndNothingIsSent()
    {
        var affiliate = await fixture.CreateAffiliateAsync("1951644408", "+593990000401");
        using var browser = fixture.Browser();
        var recovery = new RecoveryDriver(browser);
        await RecoveryServerFixture.ReachChannelAsync(recovery, affiliate.Cedula, affiliate.Image);
        Assert.Equal("/Recovery/Code", RecoveryDriver.Location(await recovery.ChooseChannelAsync("Sms")));
        await fixture.Sms.WaitForAsync(affiliate.Phone);

        var resend = await RecoveryServerFixture.ResendAsync(browser, "Sms");
        Assert.Contains("Espere un minuto antes de pedir otro código", await RecoveryServerFixture.BodyAsync(resend));
        Assert.Equal(1, (await fixture.FlowOfAsync(browser)).Sends);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(fixture.Sms.Received, s => s.To == affiliate.Phone);
    }

    [Fact]
    public async Task Resend_BeyondMaxSendsPerFlow_IsRefused()
    {
        var affiliate = await fixture.CreateAffiliateAsync("2204592303", "+593990000402");
        using var browser = fixture.Browser();
        var recovery = new RecoveryDriver(browser);
        await RecoveryServerFixture.ReachChannelAsync(recovery, affiliate.Cedula, affiliate.Image);
        Assert.Equal("/Recovery/Code", RecoveryDriver.Location(await recovery.ChooseChannelAsync("Email")));
        for (var send = 2; send <= 3; send++)
        {
            fixture.Clock.Advance(TimeSpan.FromSeconds(61));
            Assert.Equal("/Recovery/Code", RecoveryDriver.Location(await RecoveryServerFixture.ResendAsync(browser, "Email")));
        }

        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        var fourth = await RecoveryServerFixture.ResendAsync(browser, "Email");
        Assert.Contains("Ya se enviaron todos los códigos permitidos", await RecoveryServerFixture.BodyAsync(fourth));
        Assert.Equal(3, (await fixture.FlowOfAsync(browser)).Sends);
        Assert.DoesNotContain("?handler=Send", await browser.Http.GetStringAsync("/Recovery/Code"));
    }

    [Fact]
    public async Task Sms_DailyCapPerPhone_HoldsAcrossFlows()
    {
        var affiliate = await fixture.CreateAffiliateAsync("1835726371", "+593990000403");
        for (var flow = 1; flow <= RecoveryServerFixture.PhoneCapPerDay; flow++)
        {
            using var browser = fixture.Browser();
            var recovery = new RecoveryDriver(browser);
            await RecoveryServerFixture.ReachChannelAsync(recovery, affiliate.Cedula, affiliate.Image);
            Assert.Equal("/Recovery/Code", RecoveryDriver.Location(await recovery.ChooseChannelAsync("Sms")));
        }

        using var capped = fixture.Browser();
        var cappedRecovery = new RecoveryDriver(capped);
        await RecoveryServerFixture.ReachChannelAsync(cappedRecovery, affiliate.Cedula, affiliate.Image);
        var refused = await cappedRecovery.ChooseChannelAsync("Sms");
        Assert.Contains("Ese celular recibió demasiados códigos hoy", await RecoveryServerFixture.BodyAsync(refused));

        // The email channel is still open to the person.
        Assert.Equal("/Recovery/Code", RecoveryDriver.Location(await cappedRecovery.ChooseChannelAsync("Email")));
        await fixture.Sms.WaitForAsync(affiliate.Phone, skip: RecoveryServerFixture.PhoneCapPerDay - 1);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(RecoveryServerFixture.PhoneCapPerDay, fixture.Sms.Received.Count(s => s.To == affiliate.Phone));
    }
}
