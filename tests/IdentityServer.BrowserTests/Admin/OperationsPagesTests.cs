using Iess.Identity.Accounts;
using Iess.Identity.BrowserTests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;
using static Microsoft.Playwright.Assertions;

namespace Iess.Identity.BrowserTests.Admin;

/// <summary>The console's operations pages in Chromium: a client created through the console shows in the audit page; the dashboard renders.</summary>
[Collection(BrowserSystemCollection.Name)]
public sealed class OperationsPagesTests(BrowserSystemFixture system)
{
    private const string Password = "Oficial-Operaciones-Segura-2026";

    [Fact]
    public async Task Administrator_CreatesAClient_SeesTheSecretOnce_ThenTheAuditEntry_AndTheDashboard()
    {
        var (cedula, totp) = await CreateAdministratorAsync();
        await using var context = await system.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, cedula, totp);

        var clientId = "tramites-" + Guid.NewGuid().ToString("N")[..8];
        await page.GotoAsync(new Uri(system.Admin.BaseAddress, "/Clients/Edit").ToString());
        await page.GetByLabel("Identificador (client_id)").FillAsync(clientId);
        await page.GetByLabel("Nombre").FillAsync("Trámites en línea");
        await page.GetByLabel("Direcciones de retorno (una por línea; https, http solo en localhost)").FillAsync("javascript:alert(1)");
        await page.Locator("#save-reason").FillAsync("Alta de la aplicación de trámites, ticket 815");
        await page.GetByRole(AriaRole.Button, new() { Name = "Guardar" }).ClickAsync();
        await Expect(page.Locator("#client-error")).ToContainTextAsync("redirectUris");

        await page.GetByLabel("Direcciones de retorno (una por línea; https, http solo en localhost)").FillAsync("https://tramites.iess.gob.ec/signin-oidc");
        await page.Locator("#save-reason").FillAsync("Alta de la aplicación de trámites, ticket 815");
        await page.GetByRole(AriaRole.Button, new() { Name = "Guardar" }).ClickAsync();
        await Expect(page.Locator("#client-secret")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[A-Za-z0-9_-]{32,}$"));
        await page.GotoAsync(new Uri(system.Admin.BaseAddress, $"/Clients/Edit?id={clientId}").ToString());
        await Expect(page.Locator("#client-secret")).ToHaveCountAsync(0);

        await page.GotoAsync(new Uri(system.Admin.BaseAddress, "/Audit?Type=client.created").ToString());
        await Expect(page.Locator("#audit tbody")).ToContainTextAsync(clientId);
        await Expect(page.Locator("#audit tbody")).ToContainTextAsync("ticket 815");
        await Expect(page.Locator("#chain-status")).ToContainTextAsync("íntegra");

        await page.GetByRole(AriaRole.Link, new() { Name = "Métricas de acceso al sistema" }).ClickAsync();
        await Expect(page.Locator("#access-metrics tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#access-metrics")).ToContainTextAsync("Código por SMS");
        await Expect(page.Locator("#metrics-chart")).ToBeVisibleAsync();
        await Expect(page.Locator("#metrics-chart rect")).ToHaveCountAsync(6);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserSystemFixture.ArtifactsFolder, "admin-dashboard.png"), FullPage = true });
    }

    /// <summary>An administrator of this test's own (the demo officer's TOTP steps are used by other tests).</summary>
    private async Task<(string Cedula, string Totp)> CreateAdministratorAsync()
    {
        var cedula = Tests.Accounts.TestIds.NewCedula();
        var secret = Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));
        await using var scope = system.Server.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        var officer = new IessUser
        {
            AccountType = AccountType.Officer, IessId = cedula, UserName = IessUser.AccountKey(AccountType.Officer, cedula),
            GivenNames = "Diana Carolina", FamilyNames = "Salazar Ponce", Email = $"oficial{cedula}@example.ec", EmailConfirmed = true,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        Assert.True((await users.CreateAsync(officer, Password)).Succeeded);
        Assert.True((await users.AddToRolesAsync(officer, ["helpdesk", "supervisor", "administrator"])).Succeeded);
        await users.SetAuthenticationTokenAsync(officer, "[AspNetUserStore]", "AuthenticatorKey", secret);
        await users.SetTwoFactorEnabledAsync(officer, true);
        return (cedula, secret);
    }

    private async Task SignInAsync(IPage page, string cedula, string totp)
    {
        await page.GotoAsync(system.Admin.BaseAddress.ToString());
        await page.GetByLabel("Cédula o RUC").FillAsync(cedula);
        await page.GetByLabel("Clave", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ingresar" }).ClickAsync();
        await page.WaitForUrlStartingWithAsync(system.ServerUrl("/Login/Mfa"));
        await page.GetByLabel("Código", new() { Exact = true }).FillAsync(new Totp(Base32Encoding.ToBytes(totp)).ComputeTotp());
        await page.GetByRole(AriaRole.Button, new() { Name = "Continuar" }).ClickAsync();
        await page.WaitForUrlStartingWithAsync(system.Admin.BaseAddress.ToString());
    }
}
