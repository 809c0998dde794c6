using Iess.Identity.Accounts;
using Iess.Identity.Audit;
using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Login;

/// <summary>
/// After an officer reset the security profile, the person chooses a new image and three questions right after
/// signing in, before reaching any app; then the original request (usually the app's authorize request) continues.
/// </summary>
[Authorize]
public sealed class SecurityProfileModel(UserManager<IessUser> users, SecurityProfile profiles, AuditLog audit, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public int? Image { get; set; }

    [BindProperty]
    public int[] QuestionIds { get; set; } = [0, 0, 0];

    [BindProperty]
    public string[] Answers { get; set; } = ["", "", ""];

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        return user is { MustChooseSecurityProfile: true } ? Page() : LocalRedirect(SignInGate.SafeReturnUrl(Url, ReturnUrl));
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is not { MustChooseSecurityProfile: true })
        {
            return LocalRedirect(SignInGate.SafeReturnUrl(Url, ReturnUrl));
        }

        if (!SecurityProfile.TryCollect(Image, QuestionIds, Answers, out var answers))
        {
            Error = text["SecurityProfileIncomplete"];
            return Page();
        }

        user.MustChooseSecurityProfile = false;
        await profiles.SetAsync(user, Image!.Value, answers);
        await audit.WriteAsync("profile.security", "success", user.Id, user.Id, HttpContext, "chosen after an officer's reset");
        return LocalRedirect(SignInGate.SafeReturnUrl(Url, ReturnUrl));
    }
}
