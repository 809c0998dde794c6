using System.Net;
using Iess.Identity.Accounts;
using Iess.Identity.Data;
using Iess.Identity.Tests.Employers;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Iess.Identity.Tests.Login;

/// <summary>
/// Password guessing at volume. The server trusts the loopback proxy's X-Forwarded-For, so each request can come from
/// another client address as it would behind the production proxy.
/// </summary>
public sealed class BruteForceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string WrongCredentials = "no son correctas";
    private const string Locked = "bloqueada";
    private const string Throttled = "Demasiados intentos desde su red";

    private readonly IessServerFactory server = new IessServerFactory()
        .WithSetting("Iess:Hosting:TrustedProxies:0", "127.0.0.1")
        .WithSetting("Iess:Hosting:TrustedProxies:1", "::1");

    [Fact]
    public async Task ThousandGuessesOnOneAccount_FromThousandAddresses_LockIt_AndNoGuessSucceeds_NotEvenTheRightOne()
    {
        using var attacker = new FormClient(server.BaseAddress);
        var firstLocked = 0;
        for (var guess = 1; guess <= 1000; guess++)
        {
            From(attacker, guess);
            var password = guess == 500 ? DemoAccounts.SecondAffiliatePassword : $"Adivinanza-{guess}";
            var response = await attacker.SignInAsync(DemoAccounts.SecondAffiliateCedula, password);
            var body = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"guess {guess} answered {(int)response.StatusCode} {response.Headers.Location}");
            Assert.DoesNotContain(Throttled, body, StringComparison.Ordinal);
            if (body.Contains(Locked, StringComparison.Ordinal))
            {
                firstLocked = firstLocked == 0 ? guess : firstLocked;
            }
            else
            {
                Assert.Equal(0, firstLocked);
                Assert.Contains(WrongCredentials, body, StringComparison.Ordinal);
            }
        }

        output.WriteLine($"Locked at guess {firstLocked} of 1000; the right password was guess 500.");
        Assert.Equal(5, firstLocked);
        Assert.DoesNotContain(attacker.Cookies.GetAllCookies(), c => c.Name == "iess.session");

        await using var scope = server.CreateScope();
        var account = await scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>()
            .FindByNameAsync(IessUser.AccountKey(AccountType.Affiliate, DemoAccounts.SecondAffiliateCedula));
        Assert.True(account!.LockoutEnd > DateTimeOffset.UtcNow);
        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        Assert.Equal(0, await db.AuditEvents.CountAsync(e => e.Type == "signin.success" && e.Subject == account.Id));
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Type == "account.locked" && e.Subject == account.Id));
    }

    [Fact]
    public async Task CredentialStuffingOver500Accounts_FromOneAddress_ThrottlesTheAddress_SameAnswerForKnownAndUnknown()
    {
        // A stuffing list: 500 cédulas, two of them real accounts with their real passwords near the end.
        var list = Enumerable.Range(0, 500).Select(i => (Cedula: EmployerIds.NewCedula(), Password: $"Filtrada-{i}-2024")).ToList();
        list[300] = (DemoAccounts.AffiliateCedula, DemoAccounts.AffiliatePassword);
        list[301] = ("0102030400", DemoAccounts.AffiliatePassword);
        list[450] = (DemoAccounts.SecondAffiliateCedula, DemoAccounts.SecondAffiliatePassword);

        using var attacker = new FormClient(server.BaseAddress);
        attacker.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        var firstThrottled = 0;
        var throttledPages = new Dictionary<int, string>();
        for (var attempt = 0; attempt < list.Count; attempt++)
        {
            var response = await attacker.SignInAsync(list[attempt].Cedula, list[attempt].Password);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            if (body.Contains(Throttled, StringComparison.Ordinal))
            {
                firstThrottled = firstThrottled == 0 ? attempt + 1 : firstThrottled;
                throttledPages[attempt] = WithoutAntiforgery(body);
            }
            else
            {
                Assert.Equal(0, firstThrottled);
                Assert.Contains(WrongCredentials, body, StringComparison.Ordinal);
            }
        }

        output.WriteLine($"Throttled from attempt {firstThrottled} of {list.Count}; {throttledPages.Count} attempts refused.");
        Assert.Equal(31, firstThrottled);
        Assert.Equal(list.Count - 30, throttledPages.Count);
        Assert.DoesNotContain(attacker.Cookies.GetAllCookies(), c => c.Name == "iess.session");

        // The page for a real account with its real password is the page for an unknown cédula (the typed cédula aside).
        Assert.Equal(throttledPages[301].Replace("0102030400", "X", StringComparison.Ordinal), throttledPages[300].Replace(DemoAccounts.AffiliateCedula, "X", StringComparison.Ordinal));

        // Only the address is throttled: the accounts were tried once each and their owners still sign in from elsewhere.
        using var owner = new FormClient(server.BaseAddress);
        owner.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.20");
        Assert.Equal(HttpStatusCode.Redirect, (await owner.SignInAsync(DemoAccounts.SecondAffiliateCedula, DemoAccounts.SecondAffiliatePassword)).StatusCode);

        await using var scope = server.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Type == "signin.address_throttled" && e.IpAddress == "203.0.113.7"));
        Assert.Equal(list.Count - 30, await db.AuditEvents.CountAsync(e => e.Type == "signin.throttled" && e.IpAddress == "203.0.113.7"));
        Assert.Equal(0, await db.AuditEvents.CountAsync(e => e.Type == "signin.success" && e.IpAddress == "203.0.113.7"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.DisposeAsync();

    private static void From(FormClient client, int n)
    {
        client.Http.DefaultRequestHeaders.Remove("X-Forwarded-For");
        client.Http.DefaultRequestHeaders.Add("X-Forwarded-For", $"10.{n / 65536 % 256}.{n / 256 % 256}.{n % 256}");
    }

    private static string WithoutAntiforgery(string html) =>
        System.Text.RegularExpressions.Regex.Replace(html, "name=\"__af\" type=\"hidden\" value=\"[^\"]+\"", "");
}
