using Iess.Identity.Accounts;
using Iess.Identity.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Profile;

/// <summary>
/// Enrol or remove an authenticator app (TOTP). Enrolment shows a QR code and the key, asks for a first code, and
/// then shows ten one-time recovery codes once.
/// </summary>
public sealed class TotpModel(UserManager<IessUser> users, IStringLocalizer<SharedResource> text, SignInManager<IessUser> signIn, AuditLog audit)
    : ProfilePageModel(users, text)
{
    [BindProperty]
    public string? Code { get; set; }

    public string? SharedKey { get; private set; }

    public string? QrCodeDataUri { get; private set; }

    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (await LoadAccountAsync() is { } stop)
        {
            return stop;
        }

        if (!Account.TwoFactorEnabled)
        {
            await PrepareEnrolmentAsync(reset: true);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostEnableAsync()
    {
        if (await LoadAccountAsync() is { } stop)
        {
            return stop;
        }

        // Enabled already, or a post without the enrolment page ever shown (no key to check against): the page
        // itself shows what to do; a refused post never makes a key.
        if (Account.TwoFactorEnabled || string.IsNullOrEmpty(await Users.GetAuthenticatorKeyAsync(Account)))
        {
            return RedirectToPage();
        }

        if (string.IsNullOrWhiteSpace(Code) || !await Users.VerifyTwoFactorTokenAsync(Account, Users.Options.Tokens.AuthenticatorTokenProvider, Code))
        {
            await PrepareEnrolmentAsync(reset: false);
            Error = Text["CodeInvalid"];
            return Page();
        }

        await Users.SetTwoFactorEnabledAsync(Account, true);
        RecoveryCodes = (await Users.GenerateNewTwoFactorRecoveryCodesAsync(Account, 10))?.ToList() ?? [];
        await signIn.RefreshSignInAsync(Account);
        await audit.WriteAsync("profile.totp_enabled", "success", Account.Id, Account.Id, HttpContext);
        Notice = Text["TotpEnabled"];
        return Page();
    }

    public async Task<IActionResult> OnPostDisableAsync()
    {
        if (await LoadAccountAsync() is { } stop)
        {
            return stop;
        }

        if (Account.AccountType == AccountType.Officer)
        {
            Error = Text["OfficerNeedsTotp"];
            return Page();
        }

        if (!CouldBeAuthenticatorCode(Code))
        {
            Error = Text["CodeInvalid"];
            return Page();
        }

        if (!await Users.VerifyTwoFactorTokenAsync(Account, Users.Options.Tokens.AuthenticatorTokenProvider, Code!.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal)))
        {
            await Users.AccessFailedAsync(Account);
            Error = Text["CodeInvalid"];
            return Page();
        }

        await Users.SetTwoFactorEnabledAsync(Account, false);
        await Users.ResetAuthenticatorKeyAsync(Account);
        await signIn.RefreshSignInAsync(Account);
        await audit.WriteAsync("profile.totp_disabled", "success", Account.Id, Account.Id, HttpContext);
        Notice = Text["TotpDisabled"];
        await PrepareEnrolmentAsync(reset: false);
        return Page();
    }

    private async Task PrepareEnrolmentAsync(bool reset)
    {
        var key = await Users.GetAuthenticatorKeyAsync(Account);
        if (reset || string.IsNullOrEmpty(key))
        {
            await Users.ResetAuthenticatorKeyAsync(Account);
            key = await Users.GetAuthenticatorKeyAsync(Account);
        }

        SharedKey = key;
        QrCodeDataUri = AuthenticatorQr.DataUri(Account.IessId, key!);
    }
}
