using Iess.Identity.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Profile;

/// <summary>Base of the profile pages: a signed-in, not locked-out account; messages in Spanish.</summary>
[Authorize]
public abstract class ProfilePageModel(UserManager<IessUser> users, IStringLocalizer<SharedResource> text) : PageModel, Hosting.IRefusingPage
{
    bool Hosting.IRefusingPage.Refused => Error is not null;

    protected UserManager<IessUser> Users => users;

    protected IStringLocalizer<SharedResource> Text => text;

    public IessUser Account { get; private set; } = null!;

    public string? Error { get; protected set; }

    public string? Notice { get; protected set; }

    /// <summary>
    /// Whether typed text could be a password at all: not empty, at most 1024 characters, no control characters and
    /// nothing that was not UTF-8. Anything else is refused as malformed and does not count as a wrong guess.
    /// </summary>
    protected static bool CouldBePassword(string? text) =>
        !string.IsNullOrEmpty(text) && text.Length <= 1024 && !text.Any(c => char.IsControl(c) || c == '\uFFFD');

    /// <summary>Whether typed text could be an authenticator code: six digits, spaces and hyphens aside.</summary>
    protected static bool CouldBeAuthenticatorCode(string? text) =>
        text is { Length: <= 20 } && text.All(c => char.IsAsciiDigit(c) || c is ' ' or '-') && text.Count(char.IsAsciiDigit) == 6;

    /// <summary>Loads the signed-in account; a locked account (too many wrong codes) may not change anything.</summary>
    protected async Task<IActionResult?> LoadAccountAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        Account = user;
        if (await users.IsLockedOutAsync(user))
        {
            Error = text["AccountLocked"];
            return Page();
        }

        return null;
    }
}
