using Iess.Identity.BrowserTests.Infrastructure;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.Playwright;
using OtpNet;
using static Microsoft.Playwright.Assertions;

namespace Iess.Identity.BrowserTests.Admin;

[Collection(BrowserSystemCollection.Name)]
public sealed class AdminConsoleTests(BrowserSystemFixture system)
{
    [Fact]
    public async Task Officer_SignsInWithPasswordAndTotp_SeesTheShellWithRoles_AndSignsOut()
    {
        await using var context = await system.NewContextAsync();
        var page = await context.NewPageAsync();
        var console = system.Admin.BaseAddress.ToString();

        await page.GotoAsync(console);
        Assert.StartsWith(system.ServerUrl("/Login"), page.Url, StringComparison.Ordinal);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ingreso de funcionarios" })).ToBeVisibleAsync();
        await page.GetByLabel("Cédula o RUC").FillAsync(DemoAccounts.OfficerCedula);
        await page.GetByLabel("Clave", new() { Exact = true }).FillAsync(DemoAccounts.OfficerPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ingresar" }).ClickAsync();

        await page.WaitForUrlStartingWithAsync(system.ServerUrl("/Login/Mfa"));
        var code = new Totp(Base32Encoding.ToBytes(DemoAccounts.OfficerTotpSecret)).ComputeTotp();
        await page.GetByLabel("Código", new() { Exact = true }).FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continuar" }).ClickAsync();

        await page.WaitForUrlStartingWithAsync(console);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Consola de funcionarios IESS" })).ToBeVisibleAsync();
        await Expect(page.Locator("#officer-name")).ToHaveTextAsync("Luis Fernando Jaramillo");
        await Expect(page.Locator("#officer-roles li")).ToContainTextAsync(["administrator", "helpdesk", "supervisor"]);

        await page.GetByRole(AriaRole.Button, new() { Name = "Cerrar sesión" }).ClickAsync();
        await page.WaitForUrlStartingWithAsync(new Uri(system.Admin.BaseAddress, "/SignedOut").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sesión cerrada" })).ToBeVisibleAsync();
        await page.GotoAsync(console);
        Assert.StartsWith(system.ServerUrl("/Login"), page.Url, StringComparison.Ordinal);
    }
}
