using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Employers.Recovery;

/// <summary>
/// The link in the employer's email. Opening it only shows a confirm button (mail scanners that fetch links cannot use
/// it up); the POST redeems it once and continues the flow in this browser.
/// </summary>
public sealed class LinkModel(EmployerRecoveryService recovery, IStringLocalizer<SharedResource> text) : EmployerRecoveryPageModel(recovery, text)
{
    [BindProperty(SupportsGet = true, Name = "flow")]
    public string? FlowId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!Guid.TryParseExact(FlowId, "N", out var id))
        {
            Error = Text["LinkInvalid"];
            return Page();
        }

        switch (await Recovery.RedeemLinkAsync(id, Token, HttpContext))
        {
            case StepOutcome.Advanced:
                return RedirectToPage("/Employers/Recovery/Reset");
            case StepOutcome.CodeExpired:
                Error = Text["RecoveryCodeExpired"];
                return Page();
            default:
                Error = Text["LinkInvalid"];
                return Page();
        }
    }
}
