using Iess.Identity.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Profile;

/// <summary>Change mobile: a 6-digit SMS code to the new number verifies it.</summary>
public sealed class PhoneModel(UserManager<IessUser> users, IStringLocalizer<SharedResource> text, ProfileService profile)
    : ProfilePageModel(users, text)
{
    [BindProperty]
    public string? NewPhone { get; set; }

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

        if (!ContactData.TryNormalizePhone(NewPhone, out var phone))
        {
            Error = Text["PhoneInvalid"];
            return Page();
        }

        NewPhone = phone;
        if (!await profile.SendPhoneCodeAsync(Account, phone, HttpContext))
        {
            Error = Text["SendPhoneCap"];
            return Page();
        }

        CodeSent = true;
        Notice = Text["PhoneCodeSent", Recovery.Masking.Phone(phone)];
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync()
    {
        if (await LoadAccountAsync() is { } stop)
        {
            return stop;
        }

        CodeSent = true;
        if (!ContactData.TryNormalizePhone(NewPhone, out var phone) || string.IsNullOrWhiteSpace(Code) || Code.Length > 12 ||
            !await profile.ConfirmPhoneAsync(Account, phone, Code, HttpContext))
        {
            Error = Text["CodeInvalid"];
            return Page();
        }

        CodeSent = false;
        Notice = Text["PhoneChanged"];
        return Page();
    }
}
