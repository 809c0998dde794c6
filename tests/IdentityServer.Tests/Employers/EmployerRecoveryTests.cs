using Iess.Identity.Data;
using Iess.Identity.Recovery;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Iess.Identity.Tests.Employers;

/// <summary>Recuperar clave empleador end to end: code and link by real SMTP, the image step, expiry, locks and bad input.</summary>
[Collection(EmployerCollection.Name)]
public sealed class EmployerRecoveryTests(EmployerServerFixture fixture)
{
    private const string NewPassword = "Rosas-Cotopaxi-Export-88";

    [Fact]
    public async Task Recovery_ByEmailCode_ChangesPassword_RevokesSessions_AndSendsNotice()
    {
        var employer = await fixture.CreateEmployerAsync();
        var userId = (await fixture.UserAsync(employer.Ruc, employer.Branch)).Id;
        var (tokenId, authorizationId) = await GrantAsync(userId);
        using var browser = fixture.Browser();
        var driver = new EmployerDriver(browser);

        Assert.Equal("/Employer/Recovery/Code", EmployerDriver.Location(await driver.IdentifyAsync(employer.Ruc, "1", employer.Representative)));
        var page = await EmployerDriver.BodyAsync(await browser.Http.GetAsync("/Employer/Recovery/Code"));
        Assert.Contains("enviamos un código de 6 dígitos y un enlace al correo institucional", page);
        Assert.DoesNotContain("***", page);

        var mail = await fixture.MailAsync(employer.Email, "recuperar la clave");
        Assert.Equal("/Employer/Recovery/Reset", EmployerDriver.Location(await driver.CodeAsync(EmployerDriver.Code(mail))));
        var weak = await driver.ResetAsync("12345678");
        Assert.Equal(System.Net.HttpStatusCode.OK, weak.StatusCode);
        Assert.Contains("password-problems", await weak.Content.ReadAsStringAsync());
        Assert.Equal("/Employer/Recovery/Done", EmployerDriver.Location(await driver.ResetAsync(NewPassword)));

        await fixture.MailAsync(employer.Email, "fue cambiada");
        using var signIn = fixture.Browser();
        Assert.Equal("/", EmployerDriver.Location(await signIn.SignInAsync(employer.Ruc, NewPassword, employer.Branch)));
        using var old = fixture.Browser();
        Assert.NotEqual("/", EmployerDriver.Location(await old.SignInAsync(employer.Ruc, EmployerServerFixture.InitialPassword, employer.Branch)));
        await using var scope = fixture.Server.CreateScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
        Assert.True(await tokens.HasStatusAsync((await tokens.FindByIdAsync(tokenId))!, Statuses.Revoked));
        Assert.True(await authorizations.HasStatusAsync((await authorizations.FindByIdAsync(authorizationId))!, Statuses.Revoked));
        var audit = await scope.ServiceProvider.GetRequiredService<IessDbContext>().AuditEvents.AsNoTracking()
            .Where(e => e.Type == "employer_recovery.reset" && e.Subject == userId).ToListAsync();
        Assert.Equal("success", Assert.Single(audit).Outcome);
    }

    /// <summary>A live refresh token and authorization of the account, as a signed-in app would hold them.</summary>
    private async Task<(string TokenId, string AuthorizationId)> GrantAsync(string userId)
    {
        await using var scope = fixture.Server.CreateScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
        var now = fixture.Clock.GetUtcNow();
        var authorization = await authorizations.CreateAsync(new OpenIddictAuthorizationDescriptor
        {
            Subject = userId, Status = Statuses.Valid, Type = AuthorizationTypes.Permanent, CreationDate = now,
        });
        var token = await tokens.CreateAsync(new OpenIddictTokenDescriptor
        {
            Subject = userId, Type = TokenTypeHints.RefreshToken, Status = Statuses.Valid, CreationDate = now, ExpirationDate = now.AddDays(14),
        });
        return ((await tokens.GetIdAsync(token))!, (await authorizations.GetIdAsync(authorization))!);
    }

    [Fact]
    public async Task Recovery_WithImage_ThenSingleUseLink_OpensResetInAnotherBrowser()
    {
        var employer = await fixture.CreateEmployerAsync(image: 23);
        using var browser = fixture.Browser();
        var driver = new EmployerDriver(browser);

        Assert.Equal("/Employer/Recovery/Image", EmployerDriver.Location(await driver.IdentifyAsync(employer.Ruc, employer.Branch, employer.Representative)));
        var wrong = await driver.PickImageAsync((await new RecoveryDriver(browser).GridAsync("/Employer/Recovery/Image")).First(id => id != 23));
        Assert.Contains("Le quedan 4 intentos", await EmployerDriver.BodyAsync(wrong));
        Assert.Equal("/Employer/Recovery/Code", EmployerDriver.Location(await driver.PickImageAsync(23)));

        var link = EmployerDriver.Link(await fixture.MailAsync(employer.Email, "recuperar la clave"));
        using var phone = fixture.Browser();
        var onPhone = new EmployerDriver(phone);
        var opened = await EmployerDriver.BodyAsync(await phone.Http.GetAsync(link.PathAndQuery));
        Assert.Contains("Confirmar y continuar", opened);
        Assert.Equal("/Employer/Recovery/Reset", EmployerDriver.Location(await onPhone.ConfirmLinkAsync(link)));

        using var again = fixture.Browser();
        var reused = await EmployerDriver.BodyAsync(await new EmployerDriver(again).ConfirmLinkAsync(link));
        Assert.Contains("no es válido o ya fue usado", reused);
        Assert.Equal("/Employer/Recovery/Done", EmployerDriver.Location(await onPhone.ResetAsync(NewPassword)));
    }

    [Fact]
    public async Task CodeAndLink_After15Minutes_AreExpired_AndTheFlowAfter30Minutes()
    {
        var employer = await fixture.CreateEmployerAsync();
        using var browser = fixture.Browser();
        var driver = new EmployerDriver(browser);
        await driver.IdentifyAsync(employer.Ruc, employer.Branch, employer.Representative);
        var mail = await fixture.MailAsync(employer.Email, "recuperar la clave");

        fixture.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Contains("ya venció", await EmployerDriver.BodyAsync(await driver.CodeAsync(EmployerDriver.Code(mail))));
        using var other = fixture.Browser();
        Assert.Contains("ya venció", await EmployerDriver.BodyAsync(await new EmployerDriver(other).ConfirmLinkAsync(EmployerDriver.Link(mail))));

        fixture.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal("/Employer/Recovery?problem=expired", EmployerDriver.Location(await browser.Http.GetAsync("/Employer/Recovery/Code")));
    }

    [Fact]
    public async Task FiveWrongCodes_LockTheFlow_AndTheBranchCannotStartAgainToday()
    {
        var employer = await fixture.CreateEmployerAsync();
        using var browser = fixture.Browser();
        var driver = new EmployerDriver(browser);
        await driver.IdentifyAsync(employer.Ruc, employer.Branch, employer.Representative);
        for (var attempt = 1; attempt < 5; attempt++)
        {
            Assert.Contains($"Le quedan {5 - attempt} intentos", await EmployerDriver.BodyAsync(await driver.CodeAsync("000000")));
        }

        Assert.Equal("/Recovery/Locked", EmployerDriver.Location(await driver.CodeAsync("000000")));
        Assert.Equal(FlowState.Locked, (await fixture.FlowOfAsync(browser, FlowKind.EmployerRecovery)).State);
        Assert.NotNull((await fixture.UserAsync(employer.Ruc, employer.Branch)).RecoveryLockedAt);

        using var later = fixture.Browser();
        Assert.Equal("/Recovery/Locked", EmployerDriver.Location(await new EmployerDriver(later).IdentifyAsync(employer.Ruc, employer.Branch, employer.Representative)));
    }

    [Theory]
    [InlineData("1790012345001", "0001", "1713175071", "El RUC no es válido")]
    [InlineData("17900123", "0001", "1713175071", "El RUC no es válido")]
    [InlineData("", "0001", "1713175071", "Ingrese el RUC")]
    [InlineData("1790012344001", "12345", "1713175071", "código de sucursal")]
    [InlineData("1790012344001", "00A1", "1713175071", "código de sucursal")]
    [InlineData("1790012344001", "0001", "1713175072", "cédula del representante legal no es válida")]
    public async Task Identify_MalformedInput_GetsAClearErrorAndStartsNoFlow(string ruc, string branch, string representative, string message)
    {
        using var browser = fixture.Browser();
        var response = await new EmployerDriver(browser).IdentifyAsync(ruc, branch, representative);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var page = System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains(message, page);
        Assert.Contains($"value=\"{ruc}\"", page);
        Assert.Null(browser.Cookies.GetCookies(new Uri(fixture.Server.BaseAddress, "/Employer/Recovery"))[FlowStore.Cookie(FlowKind.EmployerRecovery).Name]);
    }

    [Fact]
    public async Task Steps_CannotBeSkipped()
    {
        using var browser = fixture.Browser();
        Assert.Equal("/Employer/Recovery", EmployerDriver.Location(await browser.Http.GetAsync("/Employer/Recovery/Reset")));
        var driver = new EmployerDriver(browser);
        await driver.IdentifyAsync(DemoAccounts.EmployerRuc, "0002", "1713175071");
        Assert.Equal("/Employer/Recovery/Code", EmployerDriver.Location(await browser.Http.GetAsync("/Employer/Recovery/Reset")));
        Assert.Equal("/Employer/Recovery/Code", EmployerDriver.Location(await browser.Http.GetAsync("/Employer/Recovery/Image")));
    }

    [Fact]
    public async Task SignInPage_LinksBothEmployerFlows_BesideTheAffiliateOnes()
    {
        using var browser = fixture.Browser();
        var page = await EmployerDriver.BodyAsync(await browser.Http.GetAsync("/Login"));

        Assert.Contains("<a href=\"/Employer/Recovery\" id=\"employer-forgot-password\">¿Olvidó su clave? (empleadores)</a>", page);
        Assert.Contains("<a href=\"/Employer/Activate\" id=\"employer-generate-password\">Generar clave (empleadores)</a>", page);
        Assert.Contains("href=\"/Recovery\"", page);
        Assert.Contains("href=\"/Activate\"", page);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await browser.Http.GetAsync("/Employer/Activate")).StatusCode);
    }
}
