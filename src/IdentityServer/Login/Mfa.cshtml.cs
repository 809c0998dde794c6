using System.ComponentModel.DataAnnotations;
using Iess.Identity.Accounts;
using Iess.Identity.Audit;
using Iess.Identity.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Login;

/// <summary>The second step for accounts with an authenticator app: a 6-digit TOTP code.</summary>
public sealed class MfaModel(SignInManager<IessUser> signIn, AuditLog audit, IessMetrics metrics, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "CodeRequired")]
    [StringLength(12, ErrorMessage = "CodeInvalid")]
    [Display(Name = "CodeLabel")]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("/Login/Index", new { ReturnUrl }) : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            return RedirectToPage("/Login/Index", new { ReturnUrl });
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var result = await signIn.TwoFactorAuthenticatorSignInAsync(Code!, isPersistent: false, rememberClient: false);
        if (result.Succeeded)
        {
            await audit.WriteAsync("signin.success", "success", user.Id, user.Id, HttpContext, "totp");
            metrics.SignIn("success");
            return LocalRedirect(!string.IsNullOrEmpty(ReturnUrl) && Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
        }

        await audit.WriteAsync("signin.failed", result.IsLockedOut ? "locked" : "failure", user.Id, user.Id, HttpContext, "totp");
        metrics.SignIn(result.IsLockedOut ? "locked" : "failed");
        Error = result.IsLockedOut ? text["AccountLocked"] : text["CodeInvalid"];
        return Page();
    }
}
