using Iess.Identity.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Profile;

/// <summary>Change email: a code goes to the new address; once typed, the address is verified and the old one is told.</summary>
public sealed class EmailModel(UserManager<IessUser> users, IStringLocalizer<SharedResource> text, ProfileService profile)
    : ProfilePageModel(users, text)
{
    [BindProperty]
    public string? NewEmail { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    public bool CodeSent { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAccountAsync() ?? Page();

    public async Task<IActionResult> OnPostSendAsync()
    {
        if (await LoadAccountAsync() is { } stop)
        {
            return stop;
        }

        if (!ContactData.TryNormalizeEmail(NewEmail, out var email))
        {
            Error = Text["EmailInvalid"];
            return Page();
        }

        if (await profile.EmailTakenAsync(Account, email))
        {
            Error = Text["EmailTaken"];
            return Page();
        }

        NewEmail = email;
        await profile.SendEmailChangeCodeAsync(Account, email, HttpContext);
        CodeSent = true;
        Notice = Text["EmailCodeSent", Recovery.Masking.Email(email)];
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync()
    {
        if (await LoadAccountAsync() is { } stop)
        {
            return stop;
        }

        CodeSent = true;
        if (!ContactData.TryNormalizeEmail(NewEmail, out var email) || string.IsNullOrWhiteSpace(Code) || Code.Length > 12)
        {
            Error = Text["CodeInvalid"];
            return Page();
        }

        if (!await profile.ConfirmEmailChangeAsync(Account, email, Code, HttpContext))
        {
            Error = Text["CodeInvalid"];
            return Page();
        }

        CodeSent = false;
        Notice = Text["EmailChanged"];
        return Page();
    }
}
