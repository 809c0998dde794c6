using System.Net;
using Iess.Identity.Accounts;
using Iess.Identity.Data;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.Accounts;

[Collection(AccountsServerCollection.Name)]
public sealed class Argon2idPasswordHasherTests(AccountsServer server)
{
    private const string DefaultCost = "$argon2id$v=19$m=7168,t=5,p=1$";

    private async Task<IessUser> ReloadAsync(string userId)
    {
        await using var scope = server.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IessDbContext>().Users.AsNoTracking().SingleAsync(u => u.Id == userId);
    }

    private async Task<int> HistoryCountAsync(string userId)
    {
        await using var scope = server.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IessDbContext>().PasswordHistory.CountAsync(h => h.UserId == userId);
    }

    /// <summary>An account whose stored hash was imported from an ASP.NET Identity (PBKDF2) database.</summary>
    private async Task<(IessUser User, string LegacyHash)> CreateWithLegacyHashAsync(string password)
    {
        var user = await TestIds.CreateAffiliateAsync(server, password: null);
        var legacy = new PasswordHasher<IessUser>().HashPassword(user, password);
        Assert.StartsWith("AQAAAA", legacy); // Identity v3 format: PBKDF2 with a version marker.
        await using var scope = server.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        Assert.Equal(1, await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, legacy)));
        return (user, legacy);
    }

    [Fact]
    public async Task HashPassword_NewAccount_StoresArgon2idWithDefaultCost()
    {
        var user = await TestIds.CreateAffiliateAsync(server, "Yasuni-Selva-Lluviosa-3");
        var stored = (await ReloadAsync(user.Id)).PasswordHash;

        Assert.NotNull(stored);
        Assert.StartsWith(DefaultCost, stored);
        Assert.DoesNotContain("Yasuni", stored);
    }

    [Fact]
    public async Task HashPassword_SamePasswordTwice_DifferentSalts()
    {
        await using var scope = server.CreateScope();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<IessUser>>();
        var first = hasher.HashPassword(new IessUser(), "Yasuni-Selva-Lluviosa-3");
        var second = hasher.HashPassword(new IessUser(), "Yasuni-Selva-Lluviosa-3");

        Assert.NotEqual(first, second);
        Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(new IessUser(), first, "Yasuni-Selva-Lluviosa-3"));
        Assert.Equal(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(new IessUser(), first, "cuyabeno-laguna-rosada-3"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage-hash")]
    [InlineData("AQAAAAIAAYagAAAAE")]
    [InlineData("$argon2id$")]
    [InlineData("$argon2id$v=19$m=7168,t=5,p=1$c2FsdA$aGFzaA")]
    [InlineData("$argon2id$v=19$m=7168,t=5,p=1$!!!!$????????????????????????????????????????????????????????????????????????????")]
    public async Task VerifyHashedPassword_UnreadableStoredHash_FailsWithoutException(string stored)
    {
        await using var scope = server.CreateScope();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<IessUser>>();

        Assert.Equal(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(new IessUser(), stored, "Yasuni-Selva-Lluviosa-3"));
    }

    [Fact]
    public async Task SignIn_AccountWithCorruptStoredHash_FailsLikeAWrongPassword()
    {
        var user = await TestIds.CreateAffiliateAsync(server, password: null);
        await using (var scope = server.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IessDbContext>().Users.Where(u => u.Id == user.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, "not a hash at all"));
        }

        using var response = await TestIds.PostLoginAsync(server, user.IessId, "Yasuni-Selva-Lluviosa-3");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"signin-error\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignIn_ImportedPbkdf2Hash_SucceedsOnceAndStoresArgon2id()
    {
        const string password = "Mindo-Colibri-Bosque-21";
        var (user, legacy) = await CreateWithLegacyHashAsync(password);

        using var response = await TestIds.PostLoginAsync(server, user.IessId, password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("iess.session=", StringComparison.Ordinal));
        var upgraded = (await ReloadAsync(user.Id)).PasswordHash;
        Assert.NotEqual(legacy, upgraded);
        Assert.StartsWith(DefaultCost, upgraded);
        Assert.Equal(0, await HistoryCountAsync(user.Id)); // an upgrade is not a password change

        using var again = await TestIds.PostLoginAsync(server, user.IessId, password);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(upgraded, (await ReloadAsync(user.Id)).PasswordHash);
    }

    [Theory]
    [InlineData(PasswordHasherCompatibilityMode.IdentityV2)]
    [InlineData(PasswordHasherCompatibilityMode.IdentityV3)]
    public async Task VerifyHashedPassword_ImportedIdentityHash_SucceedsWithRehashAndRefusesWrongPassword(PasswordHasherCompatibilityMode mode)
    {
        var legacy = new PasswordHasher<IessUser>(Microsoft.Extensions.Options.Options.Create(new PasswordHasherOptions { CompatibilityMode = mode }))
            .HashPassword(new IessUser(), "Mindo-Colibri-Bosque-21");
        await using var scope = server.CreateScope();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<IessUser>>();

        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, hasher.VerifyHashedPassword(new IessUser(), legacy, "Mindo-Colibri-Bosque-21"));
        Assert.Equal(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(new IessUser(), legacy, "mindo-colibri-bosque-21"));
    }

    [Fact]
    public async Task SignIn_WrongPasswordAgainstPbkdf2Hash_FailsAndLeavesHashUnchanged()
    {
        var (user, legacy) = await CreateWithLegacyHashAsync("Mindo-Colibri-Bosque-21");

        using var response = await TestIds.PostLoginAsync(server, user.IessId, "Mindo-Colibri-Bosque-22");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"signin-error\"", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("iess.session=", StringComparison.Ordinal));
        var stored = await ReloadAsync(user.Id);
        Assert.Equal(legacy, stored.PasswordHash);
        Assert.Equal(1, stored.AccessFailedCount);
    }
}

public sealed class Argon2idCostTests
{
    [Fact]
    public async Task VerifyHashedPassword_CostRaisedInConfiguration_OldHashNeedsRehashAndSignInUpgradesIt()
    {
        string oldHash;
        await using (var defaults = new IessServerFactory())
        {
            await using var scope = defaults.CreateScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
            oldHash = (await users.FindByNameAsync(IessUser.AccountKey(AccountType.Affiliate, DemoAccounts.AffiliateCedula)))!.PasswordHash!;
        }

        Assert.StartsWith("$argon2id$v=19$m=7168,t=5,p=1$", oldHash);
        await using var raised = new IessServerFactory()
            .WithSetting("Iess:Accounts:Argon2MemoryKiB", "9216")
            .WithSetting("Iess:Accounts:Argon2Iterations", "6");
        await using (var scope = raised.CreateScope())
        {
            var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<IessUser>>();
            Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, hasher.VerifyHashedPassword(new IessUser(), oldHash, DemoAccounts.AffiliatePassword));
            Assert.Equal(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(new IessUser(), oldHash, "Chimborazo-Cumbre-2025"));

            var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
            var userName = IessUser.AccountKey(AccountType.Affiliate, DemoAccounts.AffiliateCedula);
            Assert.StartsWith("$argon2id$v=19$m=9216,t=6,p=1$", (await db.Users.SingleAsync(u => u.UserName == userName)).PasswordHash);
            await db.Users.Where(u => u.UserName == userName).ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, oldHash));
        }

        using var response = await TestIds.PostLoginAsync(raised, DemoAccounts.AffiliateCedula, DemoAccounts.AffiliatePassword);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        await using var check = raised.CreateScope();
        var stored = await check.ServiceProvider.GetRequiredService<IessDbContext>().Users.AsNoTracking()
            .SingleAsync(u => u.UserName == IessUser.AccountKey(AccountType.Affiliate, DemoAccounts.AffiliateCedula));
        Assert.StartsWith("$argon2id$v=19$m=9216,t=6,p=1$", stored.PasswordHash);
    }

    [Theory]
    [InlineData("Iess:Accounts:Argon2MemoryKiB", "4096", "Argon2MemoryKiB")]
    [InlineData("Iess:Accounts:Argon2Iterations", "4", "Argon2Iterations")]
    public async Task Start_CostBelowFloor_AppRefusesToStart(string key, string value, string named)
    {
        await using var server = new IessServerFactory().WithSetting(key, value);

        var error = Record.Exception(() => server.BaseAddress);

        Assert.NotNull(error);
        Assert.Contains(named, error.ToString());
        Assert.Contains(Flatten(error), e => e is Microsoft.Extensions.Options.OptionsValidationException);
    }

    private static IEnumerable<Exception> Flatten(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}
