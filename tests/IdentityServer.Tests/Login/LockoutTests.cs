using System.Net;
using Iess.Identity.Accounts;
using Iess.Identity.Data;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.Login;

public sealed class LockoutTests(IessServerFixture server) : IClassFixture<IessServerFixture>
{
    private const string LoginPage = "/Login?ReturnUrl=%2F";

    /// <summary>A cédula with a valid check digit that belongs to no account.</summary>
    private const string UnknownCedula = "0102030400";

    [Fact]
    public async Task FiveWrongPasswords_LockTheAccountFor15Minutes_AuditIt_AndRefuseTheRightPassword()
    {
        using var browser = new BrowserlessSignIn(server.BaseAddress);
        var page = await browser.NavigateAsync(LoginPage, "none:");
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            page = await browser.SubmitPasswordAsync(page, DemoAccounts.SecondAffiliateCedula, "Wrong-Password-" + attempt, "none:");
            Assert.Contains("no son correctas", page.Document.QuerySelector("#signin-error")?.TextContent);
        }

        var before = DateTimeOffset.UtcNow;
        var locked = await browser.SubmitPasswordAsync(page, DemoAccounts.SecondAffiliateCedula, "Wrong-Password-5", "none:");
        var message = locked.Document.QuerySelector("#signin-error")?.TextContent;
        Assert.Contains("bloqueada", message);
        Assert.Contains("comuníquese con el IESS", message);

        var withRightPassword = await browser.SubmitPasswordAsync(locked, DemoAccounts.SecondAffiliateCedula, DemoAccounts.SecondAffiliatePassword, "none:");
        Assert.Equal(HttpStatusCode.OK, withRightPassword.Status);
        Assert.Equal("/Login", withRightPassword.Address.AbsolutePath);
        Assert.Contains("comuníquese con el IESS", withRightPassword.Document.QuerySelector("#signin-error")?.TextContent);
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name == "iess.session");

        await using var scope = server.Factory.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        var account = await users.FindByNameAsync(IessUser.AccountKey(AccountType.Affiliate, DemoAccounts.SecondAffiliateCedula));
        Assert.NotNull(account);
        var lockoutEnd = await users.GetLockoutEndDateAsync(account);
        Assert.NotNull(lockoutEnd);
        Assert.InRange(lockoutEnd.Value - before, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(16));

        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Type == "account.locked" && e.Subject == account.Id));
    }

    [Fact]
    public async Task UnknownCedulaAndWrongPassword_ShowTheSamePageText()
    {
        using var browser = new BrowserlessSignIn(server.BaseAddress);
        var page = await browser.NavigateAsync(LoginPage, "none:");

        var unknown = await browser.SubmitPasswordAsync(page, UnknownCedula, "Some-Password-123", "none:");
        var wrong = await browser.SubmitPasswordAsync(page, DemoAccounts.AffiliateCedula, "Some-Password-123", "none:");

        Assert.Equal(HttpStatusCode.OK, unknown.Status);
        Assert.Equal(unknown.Status, wrong.Status);
        Assert.NotNull(unknown.Document.QuerySelector("#signin-error"));
        Assert.Equal(unknown.Text, wrong.Text);
        Assert.Equal(UnknownCedula, unknown.InputValue("Input.Identifier"));
        Assert.Equal("", wrong.InputValue("Input.Password") ?? "");
    }

    /// <summary>
    /// What names no account that can sign in (an unknown cédula, an unknown RUC with or without a branch) locks after
    /// the same number of failures, with the same message, as a real account: the lock does not tell them apart.
    /// </summary>
    [Theory]
    [InlineData("cedula", null)]
    [InlineData("ruc", "0001")]
    [InlineData("ruc", "")]
    public async Task UnknownIdentifiers_LockAfterFiveFailures_LikeARealAccount(string kind, string? branch)
    {
        var identifier = kind == "cedula" ? Employers.EmployerIds.NewCedula() : Employers.EmployerIds.NewPrivateCompanyRuc();
        using var browser = new FormClient(server.BaseAddress);
        var messages = new List<string>();
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            var response = await browser.SignInAsync(identifier, "Wrong-Password-" + attempt, branch);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            messages.Add(page.Contains("bloqueada", StringComparison.Ordinal) ? "locked" : page.Contains("no son correctas", StringComparison.Ordinal) ? "failed" : "other");
        }

        Assert.Equal(["failed", "failed", "failed", "failed", "locked", "locked"], messages);
    }
}
