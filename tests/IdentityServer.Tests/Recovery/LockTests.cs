using Iess.Identity.Recovery;
using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Recovery;

/// <summary>Five wrong answers at a gate lock recovery for that cédula; officers see when and why.</summary>
[Collection(RecoveryCollection.Name)]
public sealed class LockTests(RecoveryServerFixture fixture)
{
    [Fact]
    public async Task WrongDateOfBirth_FiveTimes_LocksFlowAndAccount_NewFlowGoesStraightToLocked()
    {
        var affiliate = await fixture.CreateAffiliateAsync("1656009683", "+593990000301");
        using var browser = fixture.Browser();
        var recovery = new RecoveryDriver(browser);
        Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await recovery.IdentifyAsync(affiliate.Cedula)));
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var wrong = await recovery.DateOfBirthAsync("1990-01-0" + attempt);
            Assert.Contains($"Le quedan {5 - attempt} intentos", await RecoveryServerFixture.BodyAsync(wrong));
        }

        Assert.Null((await fixture.UserAsync(affiliate.Cedula)).RecoveryLockedAt);
        Assert.Equal("/Recovery/Locked", RecoveryDriver.Location(await recovery.DateOfBirthAsync("1990-01-05")));
        Assert.Equal(FlowState.Locked, (await fixture.FlowOfAsync(browser)).State);
        var user = await fixture.UserAsync(affiliate.Cedula);
        Assert.NotNull(user.RecoveryLockedAt);
        Assert.Equal("knowledge", user.RecoveryLockReason);

        // Even the right answer no longer helps in the locked flow, and a fresh flow is refused at once.
        var rightAnswer = await browser.SubmitAsync("/Recovery", new Dictionary<string, string> { ["Method"] = "dob", ["DateOfBirth"] = RecoveryServerFixture.KnownDateOfBirth }, "/Recovery/Know");
        Assert.Equal("/Recovery/Locked", RecoveryDriver.Location(rightAnswer));
        using var again = fixture.Browser();
        Assert.Equal("/Recovery/Locked", RecoveryDriver.Location(await new RecoveryDriver(again).IdentifyAsync(affiliate.Cedula)));
        Assert.Contains("centro de atención", System.Net.WebUtility.HtmlDecode(await again.Http.GetStringAsync("/Recovery/Locked")));
    }

    [Fact]
    public async Task UnknownCedula_FiveWrongDates_IsLockedLikeAKnownOne()
    {
        const string unknownCedula = "0138490933";
        using var browser = fixture.Browser();
        var recovery = new RecoveryDriver(browser);
        Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await recovery.IdentifyAsync(unknownCedula)));
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            Assert.Contains($"Le quedan {5 - attempt} intentos", await RecoveryServerFixture.BodyAsync(await recovery.DateOfBirthAsync("1985-03-14")));
        }

        Assert.Equal("/Recovery/Locked", RecoveryDriver.Location(await recovery.DateOfBirthAsync("1985-03-14")));
        using var again = fixture.Browser();
        Assert.Equal("/Recovery/Locked", RecoveryDriver.Location(await new RecoveryDriver(again).IdentifyAsync(unknownCedula)));
    }

    [Fact]
    public async Task WrongImage_FiveTimes_LocksFlowAndAccount()
    {
        var affiliate = await fixture.CreateAffiliateAsync("2040082659", "+593990000302");
        using var browser = fixture.Browser();
        var recovery = new RecoveryDriver(browser);
        Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await recovery.IdentifyAsync(affiliate.Cedula)));
        Assert.Equal("/Recovery/Image", RecoveryDriver.Location(await recovery.DateOfBirthAsync(RecoveryServerFixture.KnownDateOfBirth)));
        var wrongImages = (await recovery.GridAsync()).Where(id => id != affiliate.Image).ToList();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            Assert.Contains($"Le quedan {4 - attempt} intentos", await RecoveryServerFixture.BodyAsync(await recovery.PickImageAsync(wrongImages[attempt])));
        }

        Assert.Equal("/Recovery/Locked", RecoveryDriver.Location(await recovery.PickImageAsync(wrongImages[4])));
        var user = await fixture.UserAsync(affiliate.Cedula);
        Assert.NotNull(user.RecoveryLockedAt);
        Assert.Equal("image", user.RecoveryLockReason);
        var rightImage = await browser.SubmitAsync("/Recovery", new Dictionary<string, string> { ["Picked"] = affiliate.Image.ToString(System.Globalization.CultureInfo.InvariantCulture) }, "/Recovery/Image");
        Assert.Equal("/Recovery/Locked", RecoveryDriver.Location(rightImage));
        using var again = fixture.Browser();
        Assert.Equal("/Recovery/Locked", RecoveryDriver.Location(await new RecoveryDriver(again).IdentifyAsync(affiliate.Cedula)));
    }
}
