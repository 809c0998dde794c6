using System.Diagnostics;
using System.Net;
using Iess.Identity.Accounts;
using Iess.Identity.Data;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.Accounts;

[Collection(AccountsServerCollection.Name)]
public sealed class AffiliateImporterTests(AccountsServer server) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("iess-import-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string WriteFile(params string[] lines)
    {
        var path = Path.Combine(folder, Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    private async Task<ImportReport> ImportAsync(string path)
    {
        await using var scope = server.CreateScope();
        return await ActivatorUtilities.CreateInstance<AffiliateImporter>(scope.ServiceProvider).ImportAsync(path, CancellationToken.None);
    }

    private async Task<int> CountUsersAsync()
    {
        await using var scope = server.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IessDbContext>().Users.CountAsync();
    }

    private async Task<IessUser?> FindAffiliateAsync(string cedula)
    {
        await using var scope = server.CreateScope();
        var userName = IessUser.AccountKey(AccountType.Affiliate, cedula);
        return await scope.ServiceProvider.GetRequiredService<IessDbContext>().Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == userName);
    }

    [Fact]
    public async Task Import_GoodFile_CreatesAccountsWithoutPasswordThatCannotSignIn()
    {
        var (first, second, third) = (TestIds.NewCedula(), TestIds.NewCedula(), TestIds.NewCedula());
        var path = WriteFile(
            AffiliateImporter.Header,
            $"{first},Rosa Elena,Quishpe Guamán,1979-08-23,Rosa.Quishpe@Example.EC,099 123 4567",
            $"{second[..9]}-{second[9]},Juan,Pérez,2001-01-31,,",
            $"{third},Ana,Loor,1950-12-01,ana@correo.ec,+593 98 765 4321");
        var before = await CountUsersAsync();

        var report = await ImportAsync(path);

        Assert.True(report.Succeeded, string.Join(Environment.NewLine, report.Lines));
        Assert.Equal("3 afiliados importados. / 3 affiliates imported.", Assert.Single(report.Lines));
        Assert.Equal(before + 3, await CountUsersAsync());

        var rosa = await FindAffiliateAsync(first);
        Assert.NotNull(rosa);
        Assert.Null(rosa.PasswordHash);
        Assert.Equal(AccountType.Affiliate, rosa.AccountType);
        Assert.Equal(first, rosa.IessId);
        Assert.Equal(new DateOnly(1979, 8, 23), rosa.DateOfBirth);
        Assert.Equal("rosa.quishpe@example.ec", rosa.Email);
        Assert.Equal("+593991234567", rosa.PhoneNumber);
        Assert.Equal("Quishpe Guamán", rosa.FamilyNames);
        Assert.False(string.IsNullOrEmpty(rosa.SecurityStamp));

        var juan = await FindAffiliateAsync(second);
        Assert.NotNull(juan);
        Assert.Null(juan.Email);
        Assert.Null(juan.PhoneNumber);

        // No password was set, so nothing the person (or anyone) types signs them in.
        foreach (var attempt in new[] { "", first, "1979-08-23", "Chimborazo-Cumbre-2026" })
        {
            using var response = await TestIds.PostLoginAsync(server, first, attempt);
            // An empty password is invalid input (400 with the form); the others are ordinary failed sign-ins.
            Assert.Equal(attempt.Length == 0 ? HttpStatusCode.BadRequest : HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("iess.session=", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Import_BadCedulaOnLine3AndBadDateOnLine5_ReportsThoseLinesAndImportsNothing()
    {
        var good = new[] { TestIds.NewCedula(), TestIds.NewCedula(), TestIds.NewCedula() };
        var path = WriteFile(
            AffiliateImporter.Header,
            $"{good[0]},Luis,Andrade,1980-05-05,,",
            "1710034066,Mal,Cedula,1980-05-05,,",
            $"{good[1]},Eva,Torres,1990-07-07,,",
            $"{good[2]},Mala,Fecha,1990-02-30,,");
        var before = await CountUsersAsync();

        var report = await ImportAsync(path);

        Assert.False(report.Succeeded);
        var text = string.Join(Environment.NewLine, report.Lines);
        Assert.Contains(report.Lines, l => l.StartsWith("línea 3:", StringComparison.Ordinal) && l.Contains("cédula", StringComparison.Ordinal));
        Assert.Contains(report.Lines, l => l.StartsWith("línea 5:", StringComparison.Ordinal) && l.Contains("fecha de nacimiento", StringComparison.Ordinal));
        Assert.DoesNotContain("línea 2", text);
        Assert.DoesNotContain("línea 4", text);
        Assert.Contains("Nada fue importado", report.Lines[^1]);
        Assert.Equal(before, await CountUsersAsync());
        foreach (var cedula in good)
        {
            Assert.Null(await FindAffiliateAsync(cedula));
        }
    }

    [Fact]
    public async Task Import_CedulaTwiceInFileAndOneWithAccount_ReportsBothAndImportsNothing()
    {
        var (fresh, repeated) = (TestIds.NewCedula(), TestIds.NewCedula());
        var path = WriteFile(
            AffiliateImporter.Header,
            $"{fresh},Nuevo,Afiliado,1988-04-04,,",
            $"{repeated},Primera,Vez,1975-06-06,,",
            $"{repeated[..5]} {repeated[5..]},Segunda,Vez,1975-06-06,,",
            $"{DemoAccounts.AffiliateCedula},María José,Pérez Andrade,1985-03-14,,");
        var before = await CountUsersAsync();

        var report = await ImportAsync(path);

        Assert.False(report.Succeeded);
        Assert.Contains(report.Lines, l => l.StartsWith("línea 4:", StringComparison.Ordinal) && l.Contains(repeated, StringComparison.Ordinal) && l.Contains("repetida", StringComparison.Ordinal));
        Assert.Contains(report.Lines, l => l.Contains(DemoAccounts.AffiliateCedula, StringComparison.Ordinal) && l.Contains("ya tiene cuenta", StringComparison.Ordinal));
        Assert.Equal(before, await CountUsersAsync());
        Assert.Null(await FindAffiliateAsync(fresh));
        Assert.Null(await FindAffiliateAsync(repeated));
    }

    [Theory]
    [InlineData("cedula;given_names;family_names;date_of_birth;email;mobile")]
    [InlineData("given_names,cedula,family_names,date_of_birth,email,mobile")]
    [InlineData("")]
    public async Task Import_WrongHeader_RefusedOnLine1(string header)
    {
        var cedula = TestIds.NewCedula();
        var report = await ImportAsync(WriteFile(header, $"{cedula},Ana,Loor,1950-12-01,,"));

        Assert.False(report.Succeeded);
        Assert.StartsWith("línea 1:", Assert.Single(report.Lines));
        Assert.Null(await FindAffiliateAsync(cedula));
    }

    [Theory]
    [InlineData("{0},Ana,Loor,1950-12-01,,,", "6 columnas")]
    [InlineData("{0},,Loor,1950-12-01,,", "nombres")]
    [InlineData("{0},Ana,Loor,01/12/1950,,", "fecha de nacimiento")]
    [InlineData("{0},Ana,Loor,1850-12-01,,", "fecha de nacimiento")]
    [InlineData("{0},Ana,Loor,2999-12-01,,", "fecha de nacimiento")]
    [InlineData("{0},Ana,Loor,1950-12-01,ana@correo,", "correo")]
    [InlineData("{0},Ana,Loor,1950-12-01,Ana <ana@correo.ec>,", "correo")]
    [InlineData("{0},Ana,Loor,1950-12-01,,12345", "celular")]
    public async Task Import_InvalidField_ReportsLine2AndWhatIsWrong(string row, string problem)
    {
        var cedula = TestIds.NewCedula();
        var report = await ImportAsync(WriteFile(AffiliateImporter.Header, string.Format(System.Globalization.CultureInfo.InvariantCulture, row, cedula)));

        Assert.False(report.Succeeded);
        Assert.Contains(report.Lines, l => l.StartsWith("línea 2:", StringComparison.Ordinal) && l.Contains(problem, StringComparison.Ordinal));
        Assert.Null(await FindAffiliateAsync(cedula));
    }

    [Fact]
    public async Task Import_MissingFile_ReportsItWithoutException()
    {
        var report = await ImportAsync(Path.Combine(folder, "no-such-file.csv"));

        Assert.False(report.Succeeded);
        Assert.Contains("no-such-file.csv", Assert.Single(report.Lines));
    }

    [Fact]
    public async Task ImportAffiliatesVerb_RunAsProcess_ExitCodesAndOutputTellTheOperator()
    {
        // The verb runs against the server's own (migrated) database file, as an operator would on the host.
        var (first, second) = (TestIds.NewCedula(), TestIds.NewCedula());
        var good = WriteFile(AffiliateImporter.Header, $"{first},Rosa,Quishpe,1979-08-23,rosa@example.ec,0991234567", $"{second},Juan,Pérez,2001-01-31,,");
        var bad = WriteFile(AffiliateImporter.Header, $"{TestIds.NewCedula()},Luis,Andrade,1980-05-05,,", "1710034066,Mal,Cedula,1980-05-05,,");
        var before = await CountUsersAsync();

        var refused = await RunServerAsync("import-affiliates", bad);
        Assert.True(refused.ExitCode == 1, refused.Output);
        Assert.Contains("línea 3:", refused.Output);
        Assert.Contains("Nada fue importado", refused.Output);
        Assert.Equal(before, await CountUsersAsync());

        var imported = await RunServerAsync("import-affiliates", good);
        Assert.True(imported.ExitCode == 0, imported.Output);
        Assert.Contains("2 afiliados importados. / 2 affiliates imported.", imported.Output);
        Assert.Equal(before + 2, await CountUsersAsync());
        Assert.Null((await FindAffiliateAsync(first))!.PasswordHash);
        Assert.Equal("+593991234567", (await FindAffiliateAsync(first))!.PhoneNumber);
        Assert.NotNull(await FindAffiliateAsync(second));
    }

    private async Task<(int ExitCode, string Output)> RunServerAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Iess.IdentityServer.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add($"--Iess:Database:ConnectionString={server.ConnectionString}");
        start.ArgumentList.Add($"--Iess:Connect:DevelopmentKeyFolder={Path.Combine(folder, "keys")}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
