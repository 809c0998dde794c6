using Iess.Identity.Accounts;
using Iess.Identity.Data;
using Iess.Identity.Employers;
using Iess.Identity.Hosting;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.Employers;

/// <summary>Generar clave empleador for branches loaded by the importer: natural persons, private companies and public entities.</summary>
[Collection(EmployerCollection.Name)]
public sealed class EmployerActivationTests(EmployerServerFixture fixture) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("iess-employers-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    public static TheoryData<string, RucKind> Kinds => new()
    {
        { EmployerIds.NewNaturalPersonRuc(), RucKind.NaturalPerson },
        { EmployerIds.NewPrivateCompanyRuc(), RucKind.PrivateCompany },
        { EmployerIds.NewPublicEntityRuc(), RucKind.PublicEntity },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ImportedEmployer_OfEveryRucKind_GeneratesItsPassword_AndSignsIn(string ruc, RucKind kind)
    {
        Assert.Equal(kind, Ruc.Parse(ruc).Kind);
        var representative = EmployerIds.NewCedula();
        var email = $"talento.{ruc}@Example.EC";
        var report = await ImportAsync(Write(EmployerImporter.Header, $"{ruc},2,Empleador {kind} S.A.,{representative},Marcia Vera,{email}"));
        Assert.True(report.Succeeded, string.Join(" | ", report.Lines));

        using var browser = fixture.Browser();
        var driver = new EmployerDriver(browser, "/Employer/Activate");
        Assert.Equal("/Employer/Activate/Code", EmployerDriver.Location(await driver.IdentifyAsync(ruc, "0002", representative)));
        var mail = await fixture.MailAsync(email.ToLowerInvariant(), "verificar su correo");
        Assert.Equal("/Employer/Activate/Profile", EmployerDriver.Location(await driver.CodeAsync(EmployerDriver.Code(mail))));
        Assert.Equal("/Employer/Activate/Done", EmployerDriver.Location(await browser.SubmitAsync("/Employer/Activate/Profile", ProfileForm("Cosecha-Banano-Oro-2026"))));

        using var signIn = fixture.Browser();
        Assert.Equal("/", EmployerDriver.Location(await signIn.SignInAsync(ruc, "Cosecha-Banano-Oro-2026", "0002")));
        var user = await fixture.UserAsync(ruc, "0002");
        Assert.True(user.EmailConfirmed);
        Assert.Equal(12, user.SecurityImageId);
    }

    [Fact]
    public async Task GenerarClave_WrongRepresentative_OrAnAccountThatHasAPassword_FailsAtTheCodeLikeAWrongCode()
    {
        var ruc = EmployerIds.NewPrivateCompanyRuc();
        var representative = EmployerIds.NewCedula();
        Assert.True((await ImportAsync(Write(EmployerImporter.Header, $"{ruc},1,Textiles Otavalo,{representative},Rosa Cachimuel,ventas.{ruc}@example.ec"))).Succeeded);

        var pages = new List<string>();
        foreach (var (r, rep) in new[] { (ruc, representative), (ruc, EmployerIds.NewCedula()), (DemoAccounts.EmployerRuc, "1713175071") })
        {
            using var browser = fixture.Browser();
            var driver = new EmployerDriver(browser, "/Employer/Activate");
            Assert.Equal("/Employer/Activate/Code", EmployerDriver.Location(await driver.IdentifyAsync(r, "0001", rep)));
            pages.Add(System.Text.RegularExpressions.Regex.Replace(await EmployerDriver.BodyAsync(await driver.CodeAsync("000000")), "value=\"[^\"]{40,}\"", "(token)"));
        }

        Assert.Contains("no coinciden con el registro del IESS. Le quedan 4 intentos", pages[0]);
        Assert.Equal(pages[0], pages[1]);
        Assert.Equal(pages[0], pages[2]);
    }

    [Theory]
    [InlineData("1790012345001", "El RUC no es válido")]
    [InlineData("0000000000001", "El RUC no es válido")]
    [InlineData("179001234400", "El RUC no es válido")]
    public async Task GenerarClave_InvalidRuc_GetsAClearError(string ruc, string message)
    {
        using var browser = fixture.Browser();
        var response = await new EmployerDriver(browser, "/Employer/Activate").IdentifyAsync(ruc, "0001", "1713175071");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Import_BadRows_AreReportedWithLineNumbers_AndNothingIsImported()
    {
        var good = EmployerIds.NewPrivateCompanyRuc();
        var path = Write(
            EmployerImporter.Header,
            $"{good},1,Buena S.A.,{EmployerIds.NewCedula()},Ana Paz,ana@example.ec",
            $"1790012345001,1,RUC malo,{EmployerIds.NewCedula()},Ana Paz,ana@example.ec",
            $"{EmployerIds.NewPrivateCompanyRuc()},12345,Sucursal mala,{EmployerIds.NewCedula()},Ana Paz,ana@example.ec",
            $"{EmployerIds.NewPrivateCompanyRuc()},1,Cédula mala,1713175072,Ana Paz,ana@example.ec",
            $"{EmployerIds.NewPrivateCompanyRuc()},1,Sin correo,{EmployerIds.NewCedula()},Ana Paz,",
            $"{good},0001,Repetida,{EmployerIds.NewCedula()},Ana Paz,ana@example.ec",
            $"{DemoAccounts.EmployerRuc},0001,Ya existe,1713175071,Ana Lucía Torres,talento.humano0001@example.ec",
            "solo,tres,columnas");

        var report = await ImportAsync(path);

        Assert.False(report.Succeeded);
        Assert.Contains(report.Lines, l => l.StartsWith("línea 3:", StringComparison.Ordinal) && l.Contains("RUC no válido", StringComparison.Ordinal));
        Assert.Contains(report.Lines, l => l.StartsWith("línea 4:", StringComparison.Ordinal) && l.Contains("sucursal no válida", StringComparison.Ordinal));
        Assert.Contains(report.Lines, l => l.StartsWith("línea 5:", StringComparison.Ordinal) && l.Contains("representante legal no válida", StringComparison.Ordinal));
        Assert.Contains(report.Lines, l => l.StartsWith("línea 6:", StringComparison.Ordinal) && l.Contains("correo", StringComparison.Ordinal));
        Assert.Contains(report.Lines, l => l.StartsWith("línea 7:", StringComparison.Ordinal) && l.Contains("repetidos", StringComparison.Ordinal));
        Assert.Contains(report.Lines, l => l.StartsWith("línea 9:", StringComparison.Ordinal) && l.Contains("6 columnas", StringComparison.Ordinal));
        Assert.Contains(report.Lines, l => l.Contains("ya tiene cuenta", StringComparison.Ordinal));
        Assert.StartsWith("Nada fue importado", report.Lines[^1], StringComparison.Ordinal);
        await using var scope = fixture.Server.CreateScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<IessDbContext>().Users.AnyAsync(u => u.IessId == good));
    }

    [Fact]
    public async Task ImportEmployersVerb_IsRegistered_AndImportsAGoodFile()
    {
        var (verb, verbArgs, hostArgs) = CommandLineVerbs.Split(["import-employers", "f.csv", "--x=1"]);
        Assert.Equal("import-employers", verb);
        Assert.Equal(["f.csv"], verbArgs);
        Assert.Equal(["--x=1"], hostArgs);

        // The shared server's database is already migrated; the verb runs as a separate process against the same file.
        // Bad files are covered through the importer above (one process start costs several seconds here).
        var ruc = EmployerIds.NewPublicEntityRuc();
        var good = Write(EmployerImporter.Header, $"{ruc},1,Municipio de Prueba,{EmployerIds.NewCedula()},Pedro Loor,talento@municipio.example.ec");

        var (exit, output) = await RunServerAsync("import-employers", good, $"--Iess:Database:ConnectionString={fixture.Server.ConnectionString}");

        Assert.True(exit == 0, output);
        Assert.Contains("1 sucursales de empleadores importadas", output);
        var user = await fixture.UserAsync(ruc, "0001");
        Assert.Null(user.PasswordHash);
        Assert.Equal("Municipio de Prueba", user.BusinessName);
    }

    private string Write(params string[] lines)
    {
        var path = Path.Combine(folder, Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    private async Task<ImportReport> ImportAsync(string path)
    {
        await using var scope = fixture.Server.CreateScope();
        return await ActivatorUtilities.CreateInstance<EmployerImporter>(scope.ServiceProvider).ImportAsync(path, CancellationToken.None);
    }

    private static Dictionary<string, string> ProfileForm(string password) => new()
    {
        ["Image"] = "12",
        ["QuestionIds[0]"] = "4", ["Answers[0]"] = "Segundo",
        ["QuestionIds[1]"] = "6", ["Answers[1]"] = "Costurera",
        ["QuestionIds[2]"] = "11", ["Answers[2]"] = "Fanesca",
        ["Password"] = password, ["Confirmation"] = password,
    };

    private async Task<(int ExitCode, string Output)> RunServerAsync(params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Iess.IdentityServer.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add($"--Iess:Connect:DevelopmentKeyFolder={Path.Combine(folder, "keys")}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }
}
