using Iess.Identity.BrowserTests.Infrastructure;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Iess.Identity.BrowserTests.Login;

/// <summary>An employer with two branches signs in to each branch separately and the app receives that branch.</summary>
[Collection(BrowserSystemCollection.Name)]
public sealed class EmployerBranchTests(BrowserSystemFixture system)
{
    [Theory]
    [InlineData("0001")]
    [InlineData("0002")]
    public async Task EmployerWithTwoBranches_SignsInToABranch_AppGetsThatBranch(string branch)
    {
        await using var context = await system.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(system.AppA.Url(RelyingPartyApp.ProtectedPath));
        await page.WaitForUrlStartingWithAsync(system.ServerUrl("/Login"));
        await page.GetByLabel("Cédula o RUC").FillAsync(DemoAccounts.EmployerRuc);
        await page.GetByLabel("Sucursal (solo empleadores)").FillAsync(branch);
        await page.GetByLabel("Clave", new() { Exact = true }).FillAsync(DemoAccounts.EmployerPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ingresar" }).ClickAsync();

        await page.WaitForUrlStartingWithAsync(system.AppA.Url(RelyingPartyApp.ProtectedPath));
        await Expect(page.Locator("#name")).ToHaveTextAsync("Exportadora Andina S.A.");
        await Expect(page.Locator("#iess-id")).ToHaveTextAsync(DemoAccounts.EmployerRuc);
        await Expect(page.Locator("#iess-branch")).ToHaveTextAsync(branch);
    }
}
