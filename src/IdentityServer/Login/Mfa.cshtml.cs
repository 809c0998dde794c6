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
    [StringLength(20, ErrorMessage = "CodeInvalid")]
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

        // Six digits are an authenticator code; anything else is tried as one of the one-time recovery codes.
        var code = Code!.Replace(" ", "", StringComparison.Ordinal);
        var result = code.Length == 6 && code.All(char.IsAsciiDigit)
            ? await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false)
            : await signIn.TwoFactorRecoveryCodeSignInAsync(code);
        if (result.Succeeded)
        {
            await audit.WriteAsync("signin.success", "success", user.Id, user.Id, HttpContext, "second factor");
            metrics.SignIn("success");
            return LocalRedirect(SignInGate.AfterSignIn(user, Url, ReturnUrl));
        }

        await audit.WriteAsync("signin.failed", result.IsLockedOut ? "locked" : "failure", user.Id, user.Id, HttpContext, "totp");
        metrics.SignIn(result.IsLockedOut ? "locked" : "failed");
        Error = result.IsLockedOut ? text["AccountLocked"] : text["CodeInvalid"];
        return Page();
    }
}
