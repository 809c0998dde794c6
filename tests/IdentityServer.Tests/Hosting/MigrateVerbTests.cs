using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Iess.Identity.Tests.Hosting;

public sealed class MigrateVerbTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("iess-migrate-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task MigrateVerb_CreatesSchemaOnce_AndWritesJsonLogsWhenAsked()
    {
        var database = Path.Combine(folder, "iess.db");

        var (first, firstOutput) = await RunServerAsync("migrate", $"--Iess:Database:ConnectionString=Data Source={database}", "--Iess:Hosting:JsonLogs=true");
        var (second, secondOutput) = await RunServerAsync("migrate", $"--Iess:Database:ConnectionString=Data Source={database}");

        Assert.Equal(0, first);
        Assert.Contains("Migrations applied", firstOutput);
        var logLines = firstOutput.Split('\n').Where(l => l.TrimStart().StartsWith('{')).ToList();
        Assert.NotEmpty(logLines);
        Assert.All(logLines, line => JsonDocument.Parse(line).Dispose());
        Assert.Equal(0, second);
        Assert.Contains("up to date", secondOutput);

        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('AspNetUsers', 'OpenIddictTokens', 'AuditEvents', 'OutboxMessages', 'DataProtectionKeys')";
        Assert.Equal(5L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task UnknownVerbArguments_PrintUsage_AndExitNonZero()
    {
        var (exit, output) = await RunServerAsync("import-affiliates");

        Assert.Equal(2, exit);
        Assert.Contains("import-affiliates FILE.csv", output);
    }

    private async Task<(int ExitCode, string Output)> RunServerAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
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
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
