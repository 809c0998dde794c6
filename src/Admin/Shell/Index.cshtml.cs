using Iess.Admin.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iess.Admin.Shell;

/// <summary>The signed-in shell: who the officer is, which roles they hold, and signing out (at IdentityServer too).</summary>
public sealed class IndexModel : PageModel
{
    public string Name => User.FindFirst(OfficerRoles.NameClaim)?.Value ?? "";

    public string? IessId => User.FindFirst("iess_id")?.Value;

    public IReadOnlyList<string> Roles => User.FindAll(OfficerRoles.RoleClaim).Select(c => c.Value).Distinct().Order(StringComparer.Ordinal).ToList();

    public void OnGet()
    {
    }

    public IActionResult OnPostSignOut() => SignOut(
        new AuthenticationProperties { RedirectUri = "/SignedOut" },
        CookieAuthenticationDefaults.AuthenticationScheme,
        OpenIdConnectDefaults.AuthenticationScheme);
}
