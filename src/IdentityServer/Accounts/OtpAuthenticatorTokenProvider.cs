using System.Globalization;
using Microsoft.AspNetCore.Identity;
using OtpNet;

namespace Iess.Identity.Accounts;

/// <summary>
/// Verifies authenticator-app codes (RFC 6238, Otp.NET) with one step of clock drift either way, and refuses a
/// code whose time step was already used, so a code seen over someone's shoulder cannot be replayed.
/// </summary>
public sealed class OtpAuthenticatorTokenProvider(TimeProvider time) : IUserTwoFactorTokenProvider<IessUser>
{
    public const string ProviderName = "IessTotp";
    private const string LoginProvider = "[IessTotp]";
    private const string LastStepName = "LastStep";

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<IessUser> manager, IessUser user) =>
        !string.IsNullOrEmpty(await manager.GetAuthenticatorKeyAsync(user));

    public Task<string> GenerateAsync(string purpose, UserManager<IessUser> manager, IessUser user) =>
        Task.FromResult(""); // The person's app generates codes; the server never sends one.

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<IessUser> manager, IessUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        var code = token.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (string.IsNullOrEmpty(key) || code.Length != 6 || !code.All(char.IsAsciiDigit))
        {
            return false;
        }

        var totp = new Totp(Base32Encoding.ToBytes(key));
        if (!totp.VerifyTotp(time.GetUtcNow().UtcDateTime, code, out var step, VerificationWindow.RfcSpecifiedNetworkDelay))
        {
            return false;
        }

        var last = await manager.GetAuthenticationTokenAsync(user, LoginProvider, LastStepName);
        if (long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var lastStep) && step <= lastStep)
        {
            return false;
        }

        await manager.SetAuthenticationTokenAsync(user, LoginProvider, LastStepName, step.ToString(CultureInfo.InvariantCulture));
        return true;
    }
}
