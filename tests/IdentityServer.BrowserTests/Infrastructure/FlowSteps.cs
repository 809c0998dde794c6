using Iess.Identity.Recovery;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Iess.Identity.BrowserTests.Infrastructure;

/// <summary>The steps a person takes on pages several flows share, done through what the page shows.</summary>
public static class FlowSteps
{
    /// <summary>Types a cédula on /Recovery or /Activate, waits for the CAPTCHA to solve itself, continues.</summary>
    public static async Task IdentifyAsync(IPage page, PageAudit audit, string cedula)
    {
        await page.GetByLabel("Número de cédula").FillAsync(cedula);
        var button = page.GetByRole(AriaRole.Button, new() { Name = "Continuar" });
        await Expect(page.GetByText("Verificación lista.")).ToBeVisibleAsync();
        await Expect(button).ToBeEnabledAsync();
        await audit.CheckAsync(page, "identify");
        await button.ClickAsync();
    }

    /// <summary>Signs in at /Login with a password; returns once the browser has left the sign-in page.</summary>
    public static async Task SignInAsync(IPage page, string cedula, string password, PageAudit? audit = null)
    {
        await page.GetByLabel("Cédula o RUC").FillAsync(cedula);
        await page.GetByLabel("Clave", new() { Exact = true }).FillAsync(password);
        if (audit is not null)
        {
            await audit.CheckAsync(page, "login");
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Ingresar" }).ClickAsync();
        await page.WaitForUrlAsync(url => !new Uri(url).AbsolutePath.Equals("/Login", StringComparison.Ordinal), "Still on the sign-in page");
    }

    /// <summary>The image's name as a Spanish screen reader announces it (its alt text).</summary>
    public static string ImageName(int id) => SecurityImages.All.Single(i => i.Id == id).Spanish;

    public static Task ContinueAsync(IPage page) => page.GetByRole(AriaRole.Button, new() { Name = "Continuar" }).ClickAsync();
}
