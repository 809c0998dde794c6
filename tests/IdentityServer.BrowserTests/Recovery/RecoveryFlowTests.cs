using System.Net;
using System.Text.RegularExpressions;
using Iess.Identity.BrowserTests.Infrastructure;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Iess.Identity.BrowserTests.Recovery;

/// <summary>"Recuperar clave" walked in Chromium on a 360 px phone, with the mail and SMS the app really sends.</summary>
[Collection(FlowBrowserCollection.Name)]
public sealed partial class RecoveryFlowTests(FlowBrowserFixture browser)
{
    private const string DemoPhone = "+593991234567";
    private const string DemoEmail = "maria.perez@example.ec";

    [Fact]
    public async Task RecoveryByEmailLink_SetsNewPassword_WhichSignsIn_AndOldRefreshTokenIsRevoked()
    {
        await using var system = await FlowSystem.StartAsync();
        using var spa = new SpaTokenClient(system.Server.BaseAddress);
        var refreshToken = await spa.SignInForRefreshTokenAsync(DemoAccounts.AffiliateCedula, DemoAccounts.AffiliatePassword);
        var audit = new PageAudit("recovery-email");
        await using var context = await browser.NewPhoneContextAsync();
        var page = await context.NewPageAsync();

        await WalkToChannelAsync(page, system, audit);
        await page.GetByRole(AriaRole.Radio, new() { Name = "Correo electrónico" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Enviar código" }).ClickAsync();
        await Expect(page.Locator("#code-sent")).ToContainTextAsync("m***@e***.ec");
        await audit.CheckAsync(page, "code");

        var mail = await system.Mail.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == DemoEmail)
            && (m.Subject ?? "").StartsWith("Su código para recuperar", StringComparison.Ordinal));
        var link = LinkPattern().Match(mail.TextBody ?? "").Value;
        Assert.False(string.IsNullOrEmpty(link), $"No recovery link in the mail:{Environment.NewLine}{mail.TextBody}");
        var mailTab = await context.NewPageAsync();
        await mailTab.GotoAsync(link);
        await Expect(mailTab.GetByRole(AriaRole.Heading, new() { Name = "Confirmar recuperación de clave" })).ToBeVisibleAsync();
        await audit.CheckAsync(mailTab, "link");
        await mailTab.GetByRole(AriaRole.Button, new() { Name = "Confirmar y continuar" }).ClickAsync();

        await ResetPasswordAsync(mailTab, system, audit, "Nueva-Clave-Volcanes-2027");
        await system.Mail.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == DemoEmail)
            && (m.Subject ?? "").StartsWith("Su clave del IESS fue cambiada", StringComparison.Ordinal));
        await SignInWithNewPasswordAsync(mailTab, system, audit, "Nueva-Clave-Volcanes-2027");

        var (status, body) = await spa.RefreshAsync(refreshToken);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        audit.AssertClean();
    }

    [Fact]
    public async Task RecoveryBySmsCode_SetsNewPassword_WhichSignsIn()
    {
        await using var system = await FlowSystem.StartAsync();
        var audit = new PageAudit("recovery-sms");
        await using var context = await browser.NewPhoneContextAsync();
        var page = await context.NewPageAsync();

        await WalkToChannelAsync(page, system, audit);
        await page.GetByRole(AriaRole.Radio, new() { Name = "SMS al celular" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Enviar código" }).ClickAsync();
        await page.WaitForUrlStartingWithAsync(system.Url("/Recovery/Code"));
        await Expect(page.Locator("#code-sent")).ToContainTextAsync("4567");
        await audit.CheckAsync(page, "code");

        var sms = await system.Sms.WaitForAsync(DemoPhone);
        var code = SmsCodePattern().Match(sms.Text).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(code), $"No code in the SMS: {sms.Text}");
        await page.GetByLabel("Código").FillAsync(code);
        await FlowSteps.ContinueAsync(page);

        await ResetPasswordAsync(page, system, audit, "Celular-Andino-Seguro-2027");
        await SignInWithNewPasswordAsync(page, system, audit, "Celular-Andino-Seguro-2027");
        audit.AssertClean();
    }

    /// <summary>Cédula and CAPTCHA, date of birth, security image: the gates before a code is sent.</summary>
    private static async Task WalkToChannelAsync(IPage page, FlowSystem system, PageAudit audit)
    {
        await page.GotoAsync(system.Url("/Login"));
        await page.GetByRole(AriaRole.Link, new() { Name = "¿Olvidó su clave?", Exact = true }).ClickAsync();
        await page.WaitForUrlStartingWithAsync(system.Url("/Recovery"));
        await FlowSteps.IdentifyAsync(page, audit, DemoAccounts.AffiliateCedula);

        await page.WaitForUrlStartingWithAsync(system.Url("/Recovery/Know"));
        await page.GetByRole(AriaRole.Radio, new() { Name = "Fecha de nacimiento" }).CheckAsync();
        await page.GetByLabel("Su fecha de nacimiento").FillAsync("1985-03-14");
        await audit.CheckAsync(page, "know");
        await FlowSteps.ContinueAsync(page);

        await page.WaitForUrlStartingWithAsync(system.Url("/Recovery/Image"));
        await page.GetByRole(AriaRole.Radio, new() { Name = FlowSteps.ImageName(6), Exact = true }).CheckAsync();
        await audit.CheckAsync(page, "image");
        await FlowSteps.ContinueAsync(page);

        await page.WaitForUrlStartingWithAsync(system.Url("/Recovery/Channel"));
        await audit.CheckAsync(page, "channel");
    }

    private static async Task ResetPasswordAsync(IPage page, FlowSystem system, PageAudit audit, string password)
    {
        await page.WaitForUrlStartingWithAsync(system.Url("/Recovery/Reset"));
        await page.GetByLabel("Nueva clave", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Repita la nueva clave").FillAsync(password);
        await audit.CheckAsync(page, "reset");
        await page.GetByRole(AriaRole.Button, new() { Name = "Guardar nueva clave" }).ClickAsync();

        await page.WaitForUrlStartingWithAsync(system.Url("/Recovery/Done"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Su clave fue cambiada" })).ToBeVisibleAsync();
        await audit.CheckAsync(page, "done");
    }

    private static async Task SignInWithNewPasswordAsync(IPage page, FlowSystem system, PageAudit audit, string password)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Ingresar" }).ClickAsync();
        await page.WaitForUrlStartingWithAsync(system.Url("/Login"));
        await FlowSteps.SignInAsync(page, DemoAccounts.AffiliateCedula, password, audit);
        await Expect(page.Locator("#signed-in")).ToBeVisibleAsync();
    }

    [GeneratedRegex(@"http://\S+/Recovery/Link\?flow=[0-9a-f]{32}&token=[A-Za-z0-9_-]+")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"es (\d{6})\b")]
    private static partial Regex SmsCodePattern();
}
