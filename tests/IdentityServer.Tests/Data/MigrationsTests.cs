using Iess.Identity.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Iess.Identity.Tests.Data;

public sealed class MigrationsTests
{
    public static TheoryData<string> Providers() => ["Sqlite", "SqlServer", "PostgreSql"];

    private static IessDbContext Create(string provider) => provider switch
    {
        "Sqlite" => new SqliteDesignTimeFactory().CreateDbContext([]),
        "SqlServer" => new SqlServerDesignTimeFactory().CreateDbContext([]),
        "PostgreSql" => new PostgreSqlDesignTimeFactory().CreateDbContext([]),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public void HasPendingModelChanges_EachProvider_False(string provider)
    {
        using var context = Create(provider);
        Assert.NotEmpty(context.Database.GetMigrations());
        Assert.False(context.Database.HasPendingModelChanges(), $"The {provider} model has changes no migration captures; add a migration for {provider}.");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Migrations_EachProvider_LiveInTheirOwnFolder(string provider)
    {
        using var context = Create(provider);
        var assembly = context.GetService<IMigrationsAssembly>();
        Assert.NotEmpty(assembly.Migrations);
        Assert.All(assembly.Migrations.Values, type => Assert.Equal($"Iess.Identity.Data.Migrations.{provider}", type.AsType().Namespace));
        Assert.Equal($"Iess.Identity.Data.Migrations.{provider}", assembly.ModelSnapshot!.GetType().Namespace);
    }

    [Fact]
    public void GenerateScript_SqlServerIdempotent_GuardsEachMigrationAndCreatesTables()
    {
        using var context = Create("SqlServer");
        var script = context.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        Assert.Contains("IF NOT EXISTS", script);
        Assert.Contains("CREATE TABLE [AspNetUsers]", script);
        Assert.Contains("CREATE TABLE [OpenIddictTokens]", script);
        Assert.Contains("CREATE TABLE [PasswordHistory]", script);
        Assert.Contains("CREATE TABLE [AuditEvents]", script);
        foreach (var migration in context.Database.GetMigrations())
        {
            Assert.Contains($"IF NOT EXISTS (\n    SELECT * FROM [__EFMigrationsHistory]\n    WHERE [MigrationId] = N'{migration}'", script.ReplaceLineEndings("\n"));
        }
    }
}
