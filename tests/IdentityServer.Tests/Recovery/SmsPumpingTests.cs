using Iess.Identity.Data;
using Iess.Identity.Messaging;
using Iess.Identity.Tests.Employers;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Iess.Identity.Tests.Recovery;

/// <summary>
/// SMS pumping: a bot walks many recovery flows at once, for two accounts that share one mobile number, choosing SMS
/// and asking for every resend. The daily cap per number counts across flows and accounts, and parallel requests cannot
/// slip past it (the count is one atomic increment in the shared counter store).
/// </summary>
[Collection(RecoveryCollection.Name)]
public sealed class SmsPumpingTests(RecoveryServerFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task ParallelFlowsOfTwoAccounts_ToOneNumber_SendNoMoreThanTheDailyCap()
    {
        const string phone = "+593990000451";
        var accounts = new[]
        {
            await fixture.CreateAffiliateAsync(EmployerIds.NewCedula(), phone),
            await fixture.CreateAffiliateAsync(EmployerIds.NewCedula(), phone),
        };

        var browsers = Enumerable.Range(0, 8).Select(_ => fixture.Browser()).ToList();
        try
        {
            await Task.WhenAll(browsers.Select(async (browser, i) =>
            {
                var affiliate = accounts[i % 2];
                await RecoveryServerFixture.ReachChannelAsync(new RecoveryDriver(browser), affiliate.Cedula, affiliate.Image);
            }));
            for (var round = 0; round < 3; round++)
            {
                fixture.Clock.Advance(TimeSpan.FromSeconds(61));
                await Task.WhenAll(browsers.Select(PumpAsync));
            }

            await fixture.Sms.WaitForAsync(phone, skip: RecoveryServerFixture.PhoneCapPerDay - 1);
            await using var scope = fixture.Server.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
            var queued = await db.OutboxMessages.CountAsync(m => m.Channel == MessageChannel.Sms && m.Recipient == phone);
            await Eventually.ValueAsync(() => db.OutboxMessages.AsNoTracking().CountAsync(m => m.Recipient == phone && m.SentAt == null), pending => pending == 0);

            output.WriteLine($"{browsers.Count * 3} SMS requests to one number from 8 flows of 2 accounts; {queued} queued, {fixture.Sms.Received.Count(s => s.To == phone)} delivered; cap {RecoveryServerFixture.PhoneCapPerDay}.");
            Assert.Equal(RecoveryServerFixture.PhoneCapPerDay, queued);
            Assert.Equal(RecoveryServerFixture.PhoneCapPerDay, fixture.Sms.Received.Count(s => s.To == phone));
        }
        finally
        {
            browsers.ForEach(b => b.Dispose());
        }
    }

    /// <summary>One more SMS asked for: a resend from the code page, or SMS chosen again where the last one was refused.</summary>
    private static async Task PumpAsync(FormClient browser)
    {
        using var codePage = await browser.Http.GetAsync("/Recovery/Code");
        using var response = codePage.StatusCode == System.Net.HttpStatusCode.OK
            ? await RecoveryServerFixture.ResendAsync(browser, "Sms")
            : await new RecoveryDriver(browser).ChooseChannelAsync("Sms");
    }
}
