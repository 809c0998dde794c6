using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Recovery;

/// <summary>
/// The email link. Opening it only shows a confirm button, so mail scanners that fetch links cannot use it up;
/// the POST redeems it (once) and continues the flow in this browser.
/// </summary>
public sealed class LinkModel(RecoveryService recovery, IStringLocalizer<SharedResource> text) : RecoveryPageModel(recovery, text)
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

        var outcome = await Recovery.RedeemLinkAsync(id, Token, HttpContext);
        switch (outcome)
        {
            case StepOutcome.Advanced:
                return RedirectToPage("/Recovery/Reset");
            case StepOutcome.CodeExpired:
                Error = Text["RecoveryCodeExpired"];
                return Page();
            default:
                Error = Text["LinkInvalid"];
                return Page();
        }
    }
}
