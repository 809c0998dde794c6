using Iess.Identity.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Profile;

/// <summary>The person's own account: contact data, security profile and second factor, with links to change each.</summary>
public sealed class IndexModel(UserManager<IessUser> users, IStringLocalizer<SharedResource> text) : ProfilePageModel(users, text)
{
    public async Task<IActionResult> OnGetAsync()
    {
        var user = await Users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        await LoadAccountAsync();
        return Page();
    }
}
