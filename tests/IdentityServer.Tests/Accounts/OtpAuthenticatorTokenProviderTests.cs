using Iess.Identity.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace Iess.Identity.Tests.Accounts;

[Collection(AccountsServerCollection.Name)]
public sealed class OtpAuthenticatorTokenProviderTests(AccountsServer server)
{
    private async Task<(IessUser User, Totp Totp)> CreateWithAuthenticatorAsync()
    {
        var created = await TestIds.CreateAffiliateAsync(server, password: null);
        await using var scope = server.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        var user = (await users.FindByIdAsync(created.Id))!;
        Assert.True((await users.ResetAuthenticatorKeyAsync(user)).Succeeded);
        return (user, new Totp(Base32Encoding.ToBytes(await users.GetAuthenticatorKeyAsync(user))));
    }

    private async Task<bool> VerifyAsync(IessUser user, string code)
    {
        await using var scope = server.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        return await users.VerifyTwoFactorTokenAsync((await users.FindByIdAsync(user.Id))!, OtpAuthenticatorTokenProvider.ProviderName, code);
    }

    [Fact]
    public async Task Verify_CurrentCode_AcceptedOnceThenReplayRefused()
    {
        var (user, totp) = await CreateWithAuthenticatorAsync();
        var now = DateTime.UtcNow;
        var code = totp.ComputeTotp(now);
        var previous = totp.ComputeTotp(now.AddSeconds(-30));

        Assert.True(await VerifyAsync(user, code));
        Assert.False(await VerifyAsync(user, code));
        Assert.False(await VerifyAsync(user, previous));
    }

    [Fact]
    public async Task Verify_CodeTypedWithSpaceOrHyphen_Accepted()
    {
        var (user, totp) = await CreateWithAuthenticatorAsync();
        var code = totp.ComputeTotp(DateTime.UtcNow);

        Assert.True(await VerifyAsync(user, $"{code[..3]} {code[3..]}"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("abcdef")]
    [InlineData("١٢٣٤٥٦")]
    public async Task Verify_Malformed_RefusedWithoutException(string code)
    {
        var (user, _) = await CreateWithAuthenticatorAsync();

        Assert.False(await VerifyAsync(user, code));
    }

    [Fact]
    public async Task Verify_CodeFromTenMinutesAgo_Refused()
    {
        var (user, totp) = await CreateWithAuthenticatorAsync();

        var now = DateTime.UtcNow;
        var window = new[] { -30, 0, 30 }.Select(s => totp.ComputeTotp(now.AddSeconds(s))).ToHashSet();
        var old = Enumerable.Range(10, 10).Select(m => totp.ComputeTotp(now.AddMinutes(-m))).First(c => !window.Contains(c));

        Assert.False(await VerifyAsync(user, old));
    }
}
