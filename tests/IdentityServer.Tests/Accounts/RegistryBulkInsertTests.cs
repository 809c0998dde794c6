using Iess.Identity.Accounts;
using Iess.Identity.Data;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.Accounts;

/// <summary>The engines' bulk paths of a registry import: PostgreSQL binary COPY end to end, SQL Server's rows as sent.</summary>
public sealed class RegistryBulkInsertTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("iess-bulk-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task ImportAffiliates_OnPostgreSql_CopiesEveryFieldAndStaysAllOrNothing()
    {
        if (string.IsNullOrEmpty(IessServerFactory.PostgresServer))
        {
            Assert.Fail("IESS_TEST_POSTGRES is not set. This test needs a PostgreSQL server: set IESS_TEST_POSTGRES to a connection "
                + "string such as \"Host=127.0.0.1;Port=54330;Username=postgres;Database=postgres\" (scripts/test.sh and .ci/run start one).");
        }

        await using var server = new IessServerFactory(DatabaseProvider.PostgreSql);
        _ = server.BaseAddress;
        var (first, second, third) = (TestIds.NewCedula(), TestIds.NewCedula(), TestIds.NewCedula());
        var good = Path.Combine(folder, "good.csv");
        await File.WriteAllLinesAsync(good, [
            AffiliateImporter.Header,
            $"{first},Rosa Elena,Quishpe Guamán,1979-08-23,Rosa.Quishpe@Example.EC,099 123 4567",
            $"{second},Juan,Pérez,2001-01-31,,",
        ]);

        var report = await ImportAsync(server, good);

        Assert.True(report.Succeeded, string.Join(Environment.NewLine, report.Lines));
        await using (var scope = server.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<IessDbContext>().Users.AsNoTracking();
            var rosa = await users.SingleAsync(u => u.UserName == IessUser.AccountKey(AccountType.Affiliate, first));
            Assert.Equal((AccountType.Affiliate, first, "Rosa Elena", "Quishpe Guamán"), (rosa.AccountType, rosa.IessId, rosa.GivenNames, rosa.FamilyNames));
            Assert.Equal(new DateOnly(1979, 8, 23), rosa.DateOfBirth);
            Assert.Equal(("rosa.quishpe@example.ec", "ROSA.QUISHPE@EXAMPLE.EC", "+593991234567"), (rosa.Email, rosa.NormalizedEmail, rosa.PhoneNumber));
            Assert.Null(rosa.PasswordHash);
            Assert.True(rosa.LockoutEnabled);
            Assert.False(string.IsNullOrEmpty(rosa.SecurityStamp));
            Assert.InRange(rosa.CreatedAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
            var juan = await users.SingleAsync(u => u.UserName == IessUser.AccountKey(AccountType.Affiliate, second));
            Assert.Null(juan.Email);
            Assert.Null(juan.PhoneNumber);
        }

        // One row already has an account: the whole file is refused and the new row is not written either.
        var again = Path.Combine(folder, "again.csv");
        await File.WriteAllLinesAsync(again, [AffiliateImporter.Header, $"{third},Ana,Loor,1950-12-01,,", $"{first},Rosa,Quishpe,1979-08-23,,"]);
        var refused = await ImportAsync(server, again);
        Assert.False(refused.Succeeded);
        Assert.Contains(refused.Lines, line => line.Contains(first, StringComparison.Ordinal) && line.Contains("ya tiene cuenta", StringComparison.Ordinal));
        await using (var scope = server.CreateScope())
        {
            var thirdUserName = IessUser.AccountKey(AccountType.Affiliate, third);
            Assert.False(await scope.ServiceProvider.GetRequiredService<IessDbContext>().Users.AnyAsync(u => u.UserName == thirdUserName));
        }
    }

    [Fact]
    public void SqlServerRows_CarryEveryMappedColumnWithTheStoredValues()
    {
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);
        var table = UserTable.From(db);
        var user = new IessUser
        {
            Id = Guid.NewGuid().ToString(),
            UserName = "A-1710034065",
            NormalizedUserName = "A-1710034065",
            AccountType = AccountType.Affiliate,
            IessId = "1710034065",
            GivenNames = "Rosa",
            FamilyNames = "Quishpe",
            DateOfBirth = new DateOnly(1979, 8, 23),
            CreatedAt = new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero),
            LockoutEnabled = true,
            SecurityStamp = "stamp",
        };

        using var rows = RegistryBulkInsert.SqlServerRows(table, [user]);

        var expected = db.Model.FindEntityType(typeof(IessUser))!.GetProperties().Select(p => p.GetColumnName()).Order().ToArray();
        Assert.Equal(expected, rows.Columns.Cast<System.Data.DataColumn>().Select(c => c.ColumnName).Order().ToArray());
        Assert.Equal("AspNetUsers", table.Name);
        var row = Assert.Single(rows.Rows.Cast<System.Data.DataRow>());
        Assert.Equal((int)AccountType.Affiliate, Convert.ToInt32(row["AccountType"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new DateTime(1979, 8, 23), row["DateOfBirth"]);
        Assert.Equal(user.CreatedAt, row["CreatedAt"]);
        Assert.Equal("A-1710034065", row["NormalizedUserName"]);
        Assert.Equal(true, row["LockoutEnabled"]);
        Assert.Equal(DBNull.Value, row["PasswordHash"]);
        Assert.Equal(DBNull.Value, row["Email"]);
    }

    private static async Task<ImportReport> ImportAsync(IessServerFactory server, string path)
    {
        await using var scope = server.CreateScope();
        return await ActivatorUtilities.CreateInstance<AffiliateImporter>(scope.ServiceProvider).ImportAsync(path, CancellationToken.None);
    }
}
