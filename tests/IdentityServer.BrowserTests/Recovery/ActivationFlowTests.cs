using System.Text.RegularExpressions;
using Iess.Identity.Accounts;
using Iess.Identity.BrowserTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Iess.Identity.BrowserTests.Recovery;

/// <summary>"Generar clave" for an affiliate imported from the registry, walked in Chromium on a 360 px phone.</summary>
[Collection(FlowBrowserCollection.Name)]
public sealed partial class ActivationFlowTests(FlowBrowserFixture browser)
{
    private const string ImportedCedula = "0134206424";
    private const string Email = "rosa.guaman@example.ec";
    private const string Password = "Montaña-Rio-Colibrí-79";

    [Fact]
    public async Task GenerarClave_VerifiesEmailWithMailedCode_SkipsPhone_SetsProfile_ThenSignsIn()
    {
        await using var system = await FlowSystem.StartAsync();
        await ImportAffiliateWithoutPasswordAsync(system);
        var audit = new PageAudit("activation");
        await using var context = await browser.NewPhoneContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(system.Url("/Login"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Generar clave (primera vez)" }).ClickAsync();
        await page.WaitForUrlStartingWithAsync(system.Url("/Activate"));
        await FlowSteps.IdentifyAsync(page, audit, ImportedCedula);

        await page.WaitForUrlStartingWithAsync(system.Url("/Activate/Know"));
        await page.GetByLabel("Su fecha de nacimiento").FillAsync("1979-07-21");
        await audit.CheckAsync(page, "know");
        await FlowSteps.ContinueAsync(page);

        await page.WaitForUrlStartingWithAsync(system.Url("/Activate/Email"));
        await page.GetByLabel("Correo").FillAsync("Rosa.Guaman@Example.EC");
        await audit.CheckAsync(page, "email");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enviar código" }).ClickAsync();

        await page.WaitForUrlStartingWithAsync(system.Url("/Activate/EmailCode"));
        await Expect(page.Locator("#code-sent")).ToContainTextAsync("r***@e***.ec");
        var mail = await system.Mail.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == Email));
        var code = CodePattern().Match(mail.TextBody ?? "").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(code), $"No code in the mail:{Environment.NewLine}{mail.TextBody}");
        await page.GetByLabel("Código").FillAsync(code);
        await audit.CheckAsync(page, "email-code");
        await FlowSteps.ContinueAsync(page);

        await page.WaitForUrlStartingWithAsync(system.Url("/Activate/Phone"));
        await audit.CheckAsync(page, "phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Omitir por ahora" }).ClickAsync();

        await page.WaitForUrlStartingWithAsync(system.Url("/Activate/Profile"));
        await page.GetByRole(AriaRole.Radio, new() { Name = FlowSteps.ImageName(12), Exact = true }).CheckAsync();
        await AnswerAsync(page, 0, "4", "Segundo");
        await AnswerAsync(page, 1, "6", "Costurera");
        await AnswerAsync(page, 2, "11", "Fanesca");
        await page.GetByLabel("Nueva clave", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Repita la nueva clave").FillAsync(Password);
        await audit.CheckAsync(page, "profile");
        await page.GetByRole(AriaRole.Button, new() { Name = "Crear mi clave" }).ClickAsync();

        await page.WaitForUrlStartingWithAsync(system.Url("/Activate/Done"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Su clave fue creada" })).ToBeVisibleAsync();
        await audit.CheckAsync(page, "done");
        await page.GetByRole(AriaRole.Link, new() { Name = "Ingresar" }).ClickAsync();
        await page.WaitForUrlStartingWithAsync(system.Url("/Login"));
        await FlowSteps.SignInAsync(page, ImportedCedula, Password, audit);
        await Expect(page.Locator("#signed-in")).ToBeVisibleAsync();
        audit.AssertClean();
    }

    /// <summary>The registry row as the import verb loads it: name and date of birth, no password, no contact data.</summary>
    private static async Task ImportAffiliateWithoutPasswordAsync(FlowSystem system)
    {
        var file = Path.Combine(system.Server.Folder, "registry.csv");
        await File.WriteAllTextAsync(file, AffiliateImporter.Header + "\n" + $"{ImportedCedula},Rosa Elena,Guamán Quispe,1979-07-21,,\n");
        await using var scope = system.Server.CreateScope();
        var report = await ActivatorUtilities.CreateInstance<AffiliateImporter>(scope.ServiceProvider).ImportAsync(file, CancellationToken.None);
        Assert.True(report.Succeeded, string.Join(" | ", report.Lines));
    }

    private static async Task AnswerAsync(IPage page, int index, string questionId, string answer)
    {
        var group = page.GetByRole(AriaRole.Group, new() { Name = $"Pregunta {index + 1}", Exact = true });
        await group.GetByLabel("Pregunta", new() { Exact = true }).SelectOptionAsync(questionId);
        await group.GetByLabel("Respuesta").FillAsync(answer);
    }

    [GeneratedRegex(@"código de verificación es: (\d{6})")]
    private static partial Regex CodePattern();
}
