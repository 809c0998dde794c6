using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Iess.Identity.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Iess.Identity.BrowserTests.Login;

[Collection(BrowserSystemCollection.Name)]
public sealed class SignInPageTests(BrowserSystemFixture system)
{
    private const int PhoneWidth = 360;

    [Fact]
    public async Task SignInPage_InSpanish_HasNoSeriousOrCriticalAccessibilityViolations()
    {
        await using var context = await system.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(system.AppA.Url(RelyingPartyApp.ProtectedPath));
        await Expect(page.GetByLabel("Cédula o RUC")).ToBeVisibleAsync();
        Assert.Equal("es-EC", await page.Locator("html").GetAttributeAsync("lang"));
        AssertNoSeriousViolations(await page.RunAxe());

        // The same page after a failed attempt: the error must be announced and still pass.
        await page.GetByLabel("Cédula o RUC").FillAsync("1710034065");
        await page.GetByLabel("Clave", new() { Exact = true }).FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ingresar" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        AssertNoSeriousViolations(await page.RunAxe());
    }

    [Fact]
    public async Task SignInPage_OnA360PxPhone_ShowsTheButtonWithoutHorizontalScroll()
    {
        await using var context = await system.NewContextAsync(PhoneWidth);
        var page = await context.NewPageAsync();
        await page.GotoAsync(system.ServerUrl("/Login"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserSystemFixture.ArtifactsFolder, "login-360.png"), FullPage = true });

        var button = page.GetByRole(AriaRole.Button, new() { Name = "Ingresar" });
        await Expect(button).ToBeVisibleAsync();
        var box = await button.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.X >= 0 && box.X + box.Width <= PhoneWidth, $"The button spans {box.X}..{box.X + box.Width} px.");
        Assert.True(await ScrollWidthAsync(page) <= PhoneWidth, "The sign-in page scrolls sideways at 360 px.");
    }

    [Fact]
    public async Task ErrorPage_ForAnUnknownApp_IsReadableOnA360PxPhone()
    {
        await using var context = await system.NewContextAsync(PhoneWidth);
        var page = await context.NewPageAsync();
        await page.GotoAsync(system.ServerUrl(
            "/connect/authorize?client_id=no-such-app&response_type=code&scope=openid"
            + "&redirect_uri=https%3A%2F%2Fexample.invalid%2Fcb&code_challenge=x&code_challenge_method=S256"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserSystemFixture.ArtifactsFolder, "error-360.png"), FullPage = true });

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No pudimos completar la solicitud" })).ToBeVisibleAsync();
        await Expect(page.Locator("#error-code")).ToHaveTextAsync("invalid_request");
        Assert.True(await ScrollWidthAsync(page) <= PhoneWidth, "The error page scrolls sideways at 360 px.");
        AssertNoSeriousViolations(await page.RunAxe());
    }

    private static Task<int> ScrollWidthAsync(IPage page) => page.EvaluateAsync<int>("document.documentElement.scrollWidth");

    private static void AssertNoSeriousViolations(AxeResult result)
    {
        var serious = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join(" | ", v.Nodes.Select(n => n.Html))}")
            .ToList();
        Assert.True(serious.Count == 0, string.Join(Environment.NewLine, serious));
    }
}
