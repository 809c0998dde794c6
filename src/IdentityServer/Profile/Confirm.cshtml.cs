using Iess.Identity.Accounts;
using Iess.Identity.AdminApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Profile;

/// <summary>
/// Where the person confirms an email or phone an officer recorded for them: the email's link (a button, so mail
/// scanners cannot use it up) or the cédula/RUC and the code from the email or SMS. No sign-in is needed, since the
/// old contact may be exactly what the person lost; the single-use code, its expiry and the attempt limit protect it.
/// </summary>
public sealed class ConfirmModel(AdminAccounts accounts, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "flow")]
    public string? FlowId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    public string? Identifier { get; set; }

    [BindProperty]
    public string? Branch { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    public string? Error { get; private set; }

    public string? Notice { get; private set; }

    public bool Done { get; private set; }

    public bool FromLink => !string.IsNullOrEmpty(FlowId) && !string.IsNullOrEmpty(Token);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostLinkAsync()
    {
        var outcome = Guid.TryParseExact(FlowId, "N", out var id)
            ? await accounts.ConfirmByLinkAsync(id, Token, HttpContext)
            : ContactConfirmation.Invalid;
        return Show(outcome);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (AccountDirectory.Classify(Identifier, out _) == AccountDirectory.IdentifierKind.Invalid ||
            (!string.IsNullOrWhiteSpace(Branch) && AccountDirectory.NormalizeBranch(Branch) is null) ||
            string.IsNullOrWhiteSpace(Code) || Code.Length > 12)
        {
            Error = text["AdminConfirmInvalid"];
            return Page();
        }

        return Show(await accounts.ConfirmByCodeAsync(Identifier!, Branch, Code, HttpContext));
    }

    private PageResult Show(ContactConfirmation outcome)
    {
        Done = outcome == ContactConfirmation.Confirmed;
        FlowId = Done ? null : FlowId;
        Token = null;
        (Notice, Error) = outcome switch
        {
            ContactConfirmation.Confirmed => (text["AdminConfirmDone"].Value, (string?)null),
            ContactConfirmation.Expired => ((string?)null, text["AdminConfirmExpired"].Value),
            ContactConfirmation.Locked => (null, text["AdminConfirmLocked"].Value),
            ContactConfirmation.Taken => (null, text["EmailTaken"].Value),
            _ => (null, text["AdminConfirmInvalid"].Value),
        };
        return Page();
    }
}
