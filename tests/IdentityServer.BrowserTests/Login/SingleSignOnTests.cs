using Iess.Identity.BrowserTests.Infrastructure;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Iess.Identity.BrowserTests.Login;

[Collection(BrowserSystemCollection.Name)]
public sealed class SingleSignOnTests(BrowserSystemFixture system)
{
    [Fact]
    public async Task Affiliate_SignsInAtAppA_IsSignedInAtAppB_SignsOutEverywhere()
    {
        await using var context = await system.NewContextAsync();
        var page = await context.NewPageAsync();
        var visited = new List<string>();
        // Every page the browser requested, redirects included (they never commit, so frame events miss them).
        page.Request += (_, request) =>
        {
            if (request.IsNavigationRequest)
            {
                visited.Add(request.Url);
            }
        };

        // 1. App A's protected page sends the person to the IdentityServer's form, in Spanish by default.
        await page.GotoAsync(system.AppA.Url(RelyingPartyApp.ProtectedPath));
        Assert.StartsWith(system.ServerUrl("/Login"), page.Url, StringComparison.Ordinal);
        await page.GetByLabel("Cédula o RUC").FillAsync(DemoAccounts.AffiliateCedula);
        await page.GetByLabel("Clave", new() { Exact = true }).FillAsync(DemoAccounts.AffiliatePassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ingresar" }).ClickAsync();

        await page.WaitForUrlStartingWithAsync(system.AppA.Url(RelyingPartyApp.ProtectedPath));
        await Expect(page.Locator("#name")).ToHaveTextAsync("María José Pérez Andrade");
        await Expect(page.Locator("#iess-id")).ToHaveTextAsync(DemoAccounts.AffiliateCedula);

        // 2. App B signs the same person in without showing the form again.
        visited.Clear();
        await page.GotoAsync(system.AppB.Url(RelyingPartyApp.ProtectedPath));
        await Expect(page.Locator("#name")).ToHaveTextAsync("María José Pérez Andrade");
        Assert.Equal(system.AppB.Url(RelyingPartyApp.ProtectedPath), page.Url);
        Assert.DoesNotContain(visited, url => url.StartsWith(system.ServerUrl("/Login"), StringComparison.Ordinal));

        // 3. Signing out at app A (id_token_hint sent) ends the server session without a confirmation page.
        await page.GotoAsync(system.AppA.Url(RelyingPartyApp.ProtectedPath));
        visited.Clear();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cerrar sesión" }).ClickAsync();
        await page.WaitForUrlStartingWithAsync(system.AppA.Url("/"));
        await Expect(page.Locator("#status")).ToHaveTextAsync("No ha iniciado sesión");
        Assert.Contains(visited, url => url.StartsWith(system.ServerUrl("/connect/endsession"), StringComparison.Ordinal));
        Assert.DoesNotContain(visited, url => url.StartsWith(system.ServerUrl("/Logout"), StringComparison.Ordinal));

        // 4. App B asking silently (prompt=none) now learns that nobody is signed in at the server.
        await page.GotoAsync(system.AppB.Url(RelyingPartyApp.SilentPath));
        await page.WaitForUrlStartingWithAsync(system.AppB.Url(RelyingPartyApp.ErrorPath));
        await Expect(page.Locator("#error")).ToContainTextAsync("login_required");
    }
}
