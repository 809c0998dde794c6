using System.Text.RegularExpressions;
using Iess.Identity.Accounts;
using Iess.Identity.Data;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.Recovery;

public sealed partial class ActivationTests : IAsyncLifetime
{
    private const string ImportedCedula = "0134206424";
    private readonly TestSmtpServer smtp = new();
    private readonly IessServerFactory server = new();

    public async Task InitializeAsync()
    {
        server.WithSettings(smtp.AppSettings);

        var file = Path.Combine(server.Folder, "registry.csv");
        await File.WriteAllTextAsync(file, AffiliateImporter.Header + "\n" + $"{ImportedCedula},Rosa Elena,Guamán Quispe,1979-07-21,,\n");
        await using var scope = server.CreateScope();
        var report = await ActivatorUtilities.CreateInstance<AffiliateImporter>(scope.ServiceProvider).ImportAsync(file, CancellationToken.None);
        Assert.True(report.Succeeded, string.Join(" | ", report.Lines));
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await smtp.DisposeAsync();
    }

    [Fact]
    public async Task GenerarClave_ForImportedAffiliate_VerifiesEmailSetsProfileAndSignsIn()
    {
        using var browser = new FormClient(server.BaseAddress);
        var driver = new RecoveryDriver(browser);

        // Entered from an app's sign-in: the last page leads back to that sign-in.
        Assert.Equal("/Activate/Know", RecoveryDriver.Location(await driver.IdentifyAsync(ImportedCedula, "/Activate?ReturnUrl=%2Fconnect%2Fauthorize%3Fclient_id%3Ddemo-spa")));
        Assert.Equal("/Activate/Email", RecoveryDriver.Location(await browser.SubmitAsync("/Activate/Know", Form(("DateOfBirth", "1979-07-21")))));
        Assert.Equal("/Activate/EmailCode", RecoveryDriver.Location(await browser.SubmitAsync("/Activate/Email", Form(("Email", "Rosa.Guaman@Example.EC")))));

        var mail = await smtp.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == "rosa.guaman@example.ec"));
        var code = CodePattern().Match(mail.TextBody ?? "").Groups[1].Value;
        Assert.Equal("/Activate/Phone", RecoveryDriver.Location(await browser.SubmitAsync("/Activate/EmailCode", Form(("Code", code)))));
        Assert.Equal("/Activate/Profile", RecoveryDriver.Location(await browser.SubmitAsync("/Activate/Phone", Form(), "/Activate/Phone?handler=Skip")));

        var weak = await browser.SubmitAsync("/Activate/Profile", ProfileForm("12345678"));
        Assert.Contains("secuencias", await weak.Content.ReadAsStringAsync());
        Assert.Equal("/Activate/Done", RecoveryDriver.Location(await browser.SubmitAsync("/Activate/Profile", ProfileForm("Montaña-Rio-Colibrí-79"))));
        Assert.Contains("href=\"/Login?ReturnUrl=%2Fconnect%2Fauthorize%3Fclient_id%3Ddemo-spa\"", await browser.Http.GetStringAsync("/Activate/Done"));

        using var signIn = new FormClient(server.BaseAddress);
        Assert.Equal("/", RecoveryDriver.Location(await signIn.SignInAsync(ImportedCedula, "Montaña-Rio-Colibrí-79")));
        await using var scope = server.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<IessDbContext>().Users.AsNoTracking().SingleAsync(u => u.IessId == ImportedCedula);
        Assert.True(user.EmailConfirmed);
        Assert.Equal(12, user.SecurityImageId);
    }

    [Fact]
    public async Task GenerarClave_EmailVerifiedOnAnotherAccount_IsRefusedWithoutSayingWhose()
    {
        using var browser = new FormClient(server.BaseAddress);
        var driver = new RecoveryDriver(browser);
        await driver.IdentifyAsync(ImportedCedula, "/Activate");
        await browser.SubmitAsync("/Activate/Know", Form(("DateOfBirth", "1979-07-21")));

        var response = await browser.SubmitAsync("/Activate/Email", Form(("Email", "maria.perez@example.ec")));
        var page = await response.Content.ReadAsStringAsync();

        Assert.Contains("ya está verificado en otra cuenta", page);
        Assert.DoesNotContain("1710034065", page);
        Assert.DoesNotContain("Pérez", page);
    }

    [Fact]
    public async Task GenerarClave_ForAccountThatHasAPassword_FailsLikeWrongData()
    {
        using var browser = new FormClient(server.BaseAddress);
        await new RecoveryDriver(browser).IdentifyAsync(DemoAccounts.AffiliateCedula, "/Activate");

        var response = await browser.SubmitAsync("/Activate/Know", Form(("DateOfBirth", "1985-03-14")));

        Assert.Contains("no coinciden con el registro", await response.Content.ReadAsStringAsync());
    }

    private static Dictionary<string, string> Form(params (string Key, string Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    private static Dictionary<string, string> ProfileForm(string password) => new()
    {
        ["Image"] = "12",
        ["QuestionIds[0]"] = "4", ["Answers[0]"] = "Segundo",
        ["QuestionIds[1]"] = "6", ["Answers[1]"] = "Costurera",
        ["QuestionIds[2]"] = "11", ["Answers[2]"] = "Fanesca",
        ["Password"] = password, ["Confirmation"] = password,
    };

    [GeneratedRegex(@"código de verificación es: (\d{6})")]
    private static partial Regex CodePattern();
}
