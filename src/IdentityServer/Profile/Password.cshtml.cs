using System.ComponentModel.DataAnnotations;
using Iess.Identity.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Profile;

/// <summary>Change password: the current one is required; the policy applies; every other session ends.</summary>
public sealed class PasswordModel(UserManager<IessUser> users, IStringLocalizer<SharedResource> text, ProfileService profile)
    : ProfilePageModel(users, text)
{
    [BindProperty]
    [Required(ErrorMessage = "PasswordRequired")]
    [StringLength(1024, ErrorMessage = "PasswordRequired")]
    public string? Current { get; set; }

    [BindProperty]
    [Required(ErrorMessage = "PasswordRequired")]
    [StringLength(1024, ErrorMessage = "PasswordRequired")]
    public string? Password { get; set; }

    [BindProperty]
    [Required(ErrorMessage = "PasswordRequired")]
    [StringLength(1024, ErrorMessage = "PasswordRequired")]
    public string? Confirmation { get; set; }

    public IReadOnlyList<string> Problems { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync() => await LoadAccountAsync() ?? Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await LoadAccountAsync() is { } stop)
        {
            return stop;
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (Password != Confirmation)
        {
            Error = Text["PasswordsDiffer"];
            return Page();
        }

        var result = await profile.ChangePasswordAsync(Account, Current!, Password!, HttpContext);
        if (!result.Succeeded)
        {
            Problems = result.Errors.Select(e => e.Code == "PasswordMismatch" ? Text["CurrentPasswordWrong"].Value : e.Description).ToList();
            return Page();
        }

        Notice = Text["PasswordChangedNotice"];
        return Page();
    }
}
