using System.Text.RegularExpressions;
using Iess.Identity.BrowserTests.Infrastructure;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.Playwright;
using OtpNet;
using static Microsoft.Playwright.Assertions;

namespace Iess.Identity.BrowserTests.Profile;

/// <summary>"Mi cuenta" in Chromium on a 360 px phone: a verified email change and an authenticator app enrolment.</summary>
[Collection(FlowBrowserCollection.Name)]
public sealed partial class ProfileFlowTests(FlowBrowserFixture browser)
{
    private const string OldEmail = "maria.perez@example.ec";
    private const string NewEmail = "maria.perez.nuevo@example.ec";

    [Fact]
    public async Task Profile_ChangesEmailWithMailedCode_EnrolsTotp_ThenSignInAsksForTheAuthenticatorCode()
    {
        await using var system = await FlowSystem.StartAsync();
        var audit = new PageAudit("profile");
        await using var context = await browser.NewPhoneContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(system.Url("/Profile"));
        await page.WaitForUrlStartingWithAsync(system.Url("/Login"));
        await FlowSteps.SignInAsync(page, DemoAccounts.AffiliateCedula, DemoAccounts.AffiliatePassword, audit);
        await page.WaitForUrlStartingWithAsync(system.Url("/Profile"));
        await Expect(page.Locator("#profile-email")).ToContainTextAsync(OldEmail);
        await audit.CheckAsync(page, "profile");

        await page.GetByRole(AriaRole.Link, new() { Name = "Cambiar correo" }).ClickAsync();
        await page.WaitForUrlStartingWithAsync(system.Url("/Profile/Email"));
        await page.GetByLabel("Nuevo correo").FillAsync(NewEmail);
        await audit.CheckAsync(page, "email");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enviar código" }).ClickAsync();
        await Expect(page.Locator("#profile-notice")).ToContainTextAsync("Enviamos un código");
        await audit.CheckAsync(page, "email-code");

        var mail = await system.Mail.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == NewEmail));
        var code = CodePattern().Match(mail.TextBody ?? "").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(code), $"No code in the mail:{Environment.NewLine}{mail.TextBody}");
        await page.GetByLabel("Código").FillAsync(code);
        await FlowSteps.ContinueAsync(page);
        await Expect(page.Locator("#profile-notice")).ToContainTextAsync("Su correo fue cambiado y verificado");
        await audit.CheckAsync(page, "email-changed");
        var notice = await system.Mail.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == OldEmail)
            && (m.Subject ?? "").StartsWith("El correo de su cuenta del IESS cambió", StringComparison.Ordinal));
        Assert.DoesNotContain(NewEmail, notice.TextBody ?? "", StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Link, new() { Name = "Volver a mi cuenta" }).ClickAsync();
        await Expect(page.Locator("#profile-email")).ToContainTextAsync(NewEmail);
        await page.GetByRole(AriaRole.Link, new() { Name = "Aplicación autenticadora (segundo factor)" }).ClickAsync();
        await page.WaitForUrlStartingWithAsync(system.Url("/Profile/Totp"));
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Código QR para la aplicación autenticadora" })).ToBeVisibleAsync();
        var key = (await page.Locator("#totp-key").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal);
        await audit.CheckAsync(page, "totp");
        var enrolmentStep = TimeStep();
        await page.GetByLabel("Código").FillAsync(Authenticator(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Activar" }).ClickAsync();
        await Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        await Expect(page.Locator("#profile-notice")).ToContainTextAsync("quedó activada");
        await audit.CheckAsync(page, "totp-recovery-codes");

        await page.GetByRole(AriaRole.Link, new() { Name = "Volver a mi cuenta" }).ClickAsync();
        await Expect(page.Locator("#profile-totp")).ToHaveTextAsync("Activada");
        await page.GetByRole(AriaRole.Link, new() { Name = "Cerrar sesión" }).ClickAsync();
        await page.WaitForUrlStartingWithAsync(system.Url("/Logout"));
        await audit.CheckAsync(page, "logout");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cerrar sesión" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sesión cerrada" })).ToBeVisibleAsync();
        await audit.CheckAsync(page, "signed-out");

        await page.GotoAsync(system.Url("/Profile"));
        await page.WaitForUrlStartingWithAsync(system.Url("/Login"));
        await FlowSteps.SignInAsync(page, DemoAccounts.AffiliateCedula, DemoAccounts.AffiliatePassword);
        await page.WaitForUrlStartingWithAsync(system.Url("/Login/Mfa"));
        await WaitForNextCodeAsync(enrolmentStep);
        await page.GetByLabel("Código").FillAsync(Authenticator(key));
        await audit.CheckAsync(page, "mfa");
        await FlowSteps.ContinueAsync(page);
        await page.WaitForUrlStartingWithAsync(system.Url("/Profile"));
        await Expect(page.Locator("#profile-email")).ToContainTextAsync(NewEmail);
        audit.AssertClean();
    }

    /// <summary>The server takes each 30-second code once, so a person signing in right after enrolling waits for the next one.</summary>
    private static async Task WaitForNextCodeAsync(long usedStep)
    {
        while (TimeStep() <= usedStep)
        {
            await Task.Delay(250);
        }
    }

    private static long TimeStep() => DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;

    /// <summary>What an authenticator app holding <paramref name="base32Key"/> shows right now.</summary>
    private static string Authenticator(string base32Key) => new Totp(Base32Encoding.ToBytes(base32Key)).ComputeTotp();

    [GeneratedRegex(@"código de verificación es: (\d{6})")]
    private static partial Regex CodePattern();
}
