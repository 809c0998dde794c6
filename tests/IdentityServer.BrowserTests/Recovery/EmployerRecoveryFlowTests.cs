using System.Text.RegularExpressions;
using Iess.Identity.BrowserTests.Infrastructure;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Iess.Identity.BrowserTests.Recovery;

/// <summary>"Recuperar clave empleador" walked in Chromium, with the code the app really mails to the corporate address.</summary>
[Collection(FlowBrowserCollection.Name)]
public sealed partial class EmployerRecoveryFlowTests(FlowBrowserFixture browser)
{
    private const string CorporateEmail = "talento.humano0001@example.ec";
    private const string LegalRepresentative = "1713175071";

    [Fact]
    public async Task EmployerRecovery_WithCodeFromTheCorporateEmail_SetsNewPassword_WhichSignsInToThatBranch()
    {
        await using var system = await FlowSystem.StartAsync();
        var audit = new PageAudit("employer-recovery");
        await using var context = await browser.NewPhoneContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(system.Url("/Login"));
        await page.GetByRole(AriaRole.Link, new() { Name = "¿Olvidó su clave? (empleadores)" }).ClickAsync();
        await page.WaitForUrlStartingWithAsync(system.Url("/Employer/Recovery"));
        await page.GetByLabel("RUC del empleador").FillAsync(DemoAccounts.EmployerRuc);
        await page.GetByLabel("Sucursal", new() { Exact = true }).FillAsync("0001");
        await page.GetByLabel("Cédula del representante legal").FillAsync(LegalRepresentative);
        await Expect(page.GetByText("Verificación lista.")).ToBeVisibleAsync();
        await audit.CheckAsync(page, "identify");
        await FlowSteps.ContinueAsync(page);

        await page.WaitForUrlStartingWithAsync(system.Url("/Employer/Recovery/Code"));
        await audit.CheckAsync(page, "code");
        var mail = await system.Mail.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == CorporateEmail)
            && (m.Subject ?? "").StartsWith("Su código para recuperar", StringComparison.Ordinal));
        await page.GetByLabel("Código").FillAsync(CodePattern().Match(mail.TextBody ?? "").Groups[1].Value);
        await FlowSteps.ContinueAsync(page);

        await page.WaitForUrlStartingWithAsync(system.Url("/Employer/Recovery/Reset"));
        await page.GetByLabel("Nueva clave", new() { Exact = true }).FillAsync("Cacao-Fino-Aroma-2027");
        await page.GetByLabel("Repita la nueva clave").FillAsync("Cacao-Fino-Aroma-2027");
        await audit.CheckAsync(page, "reset");
        await page.GetByRole(AriaRole.Button, new() { Name = "Guardar nueva clave" }).ClickAsync();
        await page.WaitForUrlStartingWithAsync(system.Url("/Employer/Recovery/Done"));
        await audit.CheckAsync(page, "done");

        await page.GotoAsync(system.Url("/Login"));
        await page.GetByLabel("Cédula o RUC").FillAsync(DemoAccounts.EmployerRuc);
        await page.GetByLabel("Sucursal (solo empleadores)").FillAsync("0001");
        await page.GetByLabel("Clave", new() { Exact = true }).FillAsync("Cacao-Fino-Aroma-2027");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ingresar" }).ClickAsync();
        await Expect(page.Locator("#signed-in")).ToBeVisibleAsync();
        audit.AssertClean();
    }

    [GeneratedRegex(@"código de verificación es: (\d{6})")]
    private static partial Regex CodePattern();
}
