using Iess.Identity.Accounts;
using Iess.Identity.Audit;
using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Profile;

/// <summary>Choose the security image and three security questions; the current password re-authenticates the change.</summary>
public sealed class SecurityModel(UserManager<IessUser> users, IStringLocalizer<SharedResource> text, SecurityProfile profiles, AuditLog audit)
    : ProfilePageModel(users, text)
{
    [BindProperty]
    public string? Current { get; set; }

    [BindProperty]
    public int? Image { get; set; }

    [BindProperty]
    public int[] QuestionIds { get; set; } = [0, 0, 0];

    [BindProperty]
    public string[] Answers { get; set; } = ["", "", ""];

    public async Task<IActionResult> OnGetAsync() => await LoadAccountAsync() ?? Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await LoadAccountAsync() is { } stop)
        {
            return stop;
        }

        if (!CouldBePassword(Current))
        {
            Error = Text["CurrentPasswordWrong"];
            return Page();
        }

        if (!await Users.CheckPasswordAsync(Account, Current!))
        {
            await Users.AccessFailedAsync(Account);
            Error = Text["CurrentPasswordWrong"];
            return Page();
        }

        if (!SecurityProfile.TryCollect(Image, QuestionIds, Answers, out var answers))
        {
            Error = Text["SecurityProfileIncomplete"];
            return Page();
        }

        await profiles.SetAsync(Account, Image!.Value, answers);
        await audit.WriteAsync("profile.security", "success", Account.Id, Account.Id, HttpContext);
        Notice = Text["SecurityProfileSaved"];
        return Page();
    }
}
