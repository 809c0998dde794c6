using System.Diagnostics;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Iess.Identity.Tests.Audit;

public sealed class AuditVerifyVerbTests : IAsyncLifetime
{
    private readonly IessServerFactory server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task AuditVerify_IntactChainPasses_ATamperedRowIsNamed()
    {
        using (var browser = new FormClient(server.BaseAddress))
        {
            await browser.SignInAsync(DemoAccounts.SecondAffiliateCedula, "clave-equivocada-1");
            await browser.SignInAsync(DemoAccounts.SecondAffiliateCedula, "clave-equivocada-2");
            await browser.SignInAsync(DemoAccounts.SecondAffiliateCedula, DemoAccounts.SecondAffiliatePassword);
        }

        var (intact, intactOutput) = await VerifyAsync();
        Assert.Equal(0, intact);
        Assert.Contains("Audit chain intact: 3 events", intactOutput);

        await using (var connection = new SqliteConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var tamper = connection.CreateCommand();
            tamper.CommandText = "UPDATE AuditEvents SET Detail = 'nada que ver' WHERE Sequence = 2";
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
        }

        var (broken, brokenOutput) = await VerifyAsync();
        Assert.Equal(1, broken);
        Assert.Contains("Audit chain broken at sequence 2", brokenOutput);
    }

    private async Task<(int ExitCode, string Output)> VerifyAsync()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = server.Folder };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Iess.IdentityServer.dll"));
        start.ArgumentList.Add("audit");
        start.ArgumentList.Add("verify");
        start.ArgumentList.Add($"--Iess:Database:ConnectionString={server.ConnectionString}");
        start.ArgumentList.Add($"--Iess:Connect:DevelopmentKeyFolder={Path.Combine(server.Folder, "keys")}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }
}
