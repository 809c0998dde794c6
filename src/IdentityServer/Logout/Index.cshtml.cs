using Iess.Identity.Accounts;
using Iess.Identity.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Iess.Identity.Logout;

/// <summary>
/// Asks the person to confirm signing out. For an app's end-session request the form posts back to the
/// end-session endpoint with the app's parameters; otherwise it signs out here.
/// </summary>
public sealed class IndexModel(SignInManager<IessUser> signIn, AuditLog audit) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>The end-session parameters to post back, when an app started the sign-out.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> EndSessionParameters { get; private set; } = [];

    public bool FromApp { get; private set; }

    public void OnGet()
    {
        if (ReturnUrl is { } url && url.StartsWith(Connect.ConnectEndpoints.EndSessionPath, StringComparison.Ordinal) && Url.IsLocalUrl(url))
        {
            FromApp = true;
            var index = url.IndexOf('?', StringComparison.Ordinal);
            EndSessionParameters = index < 0 ? [] : QueryHelpers.ParseQuery(url[index..])
                .SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v ?? "")))
                .ToList();
        }
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (User.Identity?.IsAuthenticated == true)
        {
            var subject = signIn.UserManager.GetUserId(User);
            await signIn.SignOutAsync();
            await audit.WriteAsync("signout", "success", subject, subject, HttpContext);
        }

        return RedirectToPage("/Logout/Done");
    }
}
