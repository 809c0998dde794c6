using Iess.Identity.Accounts;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.Accounts;

[Collection(AccountsServerCollection.Name)]
public sealed class AccountDirectoryTests(AccountsServer server)
{
    [Theory]
    [InlineData("171003406-5", AccountDirectory.IdentifierKind.Cedula, "1710034065")]
    [InlineData("1790012344 001", AccountDirectory.IdentifierKind.Ruc, "1790012344001")]
    [InlineData("1710034066", AccountDirectory.IdentifierKind.Invalid, "")]
    [InlineData("admin' OR 1=1 --", AccountDirectory.IdentifierKind.Invalid, "")]
    [InlineData(null, AccountDirectory.IdentifierKind.Invalid, "")]
    public void Classify_TypedIdentifier_KindAndCompactForm(string? typed, AccountDirectory.IdentifierKind kind, string compact)
    {
        Assert.Equal(kind, AccountDirectory.Classify(typed, out var actual));
        Assert.Equal(compact, actual);
    }

    [Theory]
    [InlineData("1", "0001")]
    [InlineData("02", "0002")]
    [InlineData(" 0001 ", "0001")]
    [InlineData("00001", null)]
    [InlineData("1a", null)]
    [InlineData("-1", null)]
    [InlineData("", null)]
    [InlineData("١", null)]
    public void NormalizeBranch_AsPeopleTypeIt_FourDigitsOrNull(string typed, string? expected)
    {
        Assert.Equal(expected, AccountDirectory.NormalizeBranch(typed));
    }

    [Theory]
    [InlineData("1790012344001", null, "0001")]
    [InlineData("1790012344001", "", "0001")]
    [InlineData("1790-012344-001", "2", "0002")]
    [InlineData("1790012344001", "0003", null)]
    [InlineData("1790012344001", "x", null)]
    public async Task FindForSignIn_EmployerRucAndBranch_FindsThatBranchOrNone(string ruc, string? branch, string? expectedBranch)
    {
        await using var scope = server.CreateScope();
        var directory = scope.ServiceProvider.GetRequiredService<AccountDirectory>();

        var user = await directory.FindForSignInAsync(ruc, branch, officer: false);

        Assert.Equal(expectedBranch, user?.Branch);
        Assert.True(user is null || user.AccountType == AccountType.Employer);
    }

    [Fact]
    public async Task FindForSignIn_OfficerAndAffiliateForms_NeverCrossOver()
    {
        await using var scope = server.CreateScope();
        var directory = scope.ServiceProvider.GetRequiredService<AccountDirectory>();

        Assert.Equal(AccountType.Affiliate, (await directory.FindForSignInAsync(DemoAccounts.AffiliateCedula, null, officer: false))?.AccountType);
        Assert.Null(await directory.FindForSignInAsync(DemoAccounts.AffiliateCedula, null, officer: true));
        Assert.Equal(AccountType.Officer, (await directory.FindForSignInAsync(DemoAccounts.OfficerCedula, null, officer: true))?.AccountType);
        Assert.Null(await directory.FindForSignInAsync(DemoAccounts.OfficerCedula, null, officer: false));
        Assert.Null(await directory.FindForSignInAsync(DemoAccounts.EmployerRuc, null, officer: true));
        Assert.Null(await directory.FindForSignInAsync("A-1710034065", null, officer: false));
    }
}
