using Iess.Identity.Accounts;
using Iess.Identity.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Login;

/// <summary>The sign-in page: cédula or RUC (and branch) plus password; keeps what was typed except the password.</summary>
public sealed class IndexModel(SignInGate gate, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary><c>officer</c> when the app asked for the admin scope; officers sign in with their officer account.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Account { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Hint { get; set; }

    public string? Error { get; private set; }

    public bool IsOfficer => Account == "officer";

    public void OnGet()
    {
        if (!string.IsNullOrEmpty(Hint) && Hint.Length <= 40)
        {
            Input.Identifier = Hint;
        }
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Input.Password ??= "";
        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (AccountDirectory.Classify(Input.Identifier, out _) == AccountDirectory.IdentifierKind.Invalid)
        {
            ModelState.AddModelError("Input.Identifier", Text("IdentifierInvalid"));
            return Page();
        }

        if (!string.IsNullOrWhiteSpace(Input.Branch) && AccountDirectory.NormalizeBranch(Input.Branch) is null)
        {
            ModelState.AddModelError("Input.Branch", Text("BranchInvalid"));
            return Page();
        }

        var (outcome, user) = await gate.PasswordAsync(Input.Identifier!, Input.Branch, Input.Password, IsOfficer, HttpContext);
        switch (outcome)
        {
            case SignInGate.Outcome.SignedIn:
                return LocalRedirect(SignInGate.AfterSignIn(user!, Url, ReturnUrl));
            case SignInGate.Outcome.NeedsSecondFactor:
                return RedirectToPage("/Login/Mfa", new { ReturnUrl = SafeReturnUrl });
            case SignInGate.Outcome.LockedOut:
                Error = Text("AccountLocked");
                return Page();
            case SignInGate.Outcome.OfficerWithoutSecondFactor:
                Error = Text("OfficerNeedsTotp");
                return Page();
            default:
                Error = Text("SignInFailed");
                return Page();
        }
    }

    private string SafeReturnUrl => SignInGate.SafeReturnUrl(Url, ReturnUrl);

    private string Text(string key) => text[key];
}
