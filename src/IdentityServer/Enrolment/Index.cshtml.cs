using System.ComponentModel.DataAnnotations;
using Iess.Identity.Accounts;
using Iess.Identity.Hosting;
using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Enrolment;

/// <summary>The officer's one-time enrolment page: choose a password, add the account to an authenticator app, confirm a code.</summary>
public sealed class IndexModel(OfficerEnrolment enrolment, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "flow")]
    public string? FlowId { get; set; }

    [BindProperty(SupportsGet = true, Name = "token")]
    public string? Token { get; set; }

    [BindProperty]
    [Required(ErrorMessage = "PasswordRequired")]
    [StringLength(1024, ErrorMessage = "PasswordRequired")]
    public string? Password { get; set; }

    [BindProperty]
    [Required(ErrorMessage = "PasswordRequired")]
    [StringLength(1024, ErrorMessage = "PasswordRequired")]
    public string? Confirmation { get; set; }

    [BindProperty]
    [StringLength(12)]
    public string? Code { get; set; }

    /// <summary>Why the link cannot be used (invalid, used or expired), or null while it can.</summary>
    public string? Refusal { get; private set; }

    public string? Error { get; private set; }

    public IReadOnlyList<string> Problems { get; private set; } = [];

    public bool Done { get; private set; }

    public string? OfficerName { get; private set; }

    public string? SharedKey { get; private set; }

    public string? QrCodeDataUri { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        await OpenAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var (flow, officer) = await OpenAsync();
        if (flow is null || officer is null || !ModelState.IsValid)
        {
            return Page();
        }

        if (Password != Confirmation)
        {
            Error = text["PasswordsDiffer"];
            return Page();
        }

        var result = await enrolment.CompleteAsync(flow, officer, Password!, FlowStore.Digits(Code), HttpContext);
        if (result.Succeeded)
        {
            Done = true;
            return Page();
        }

        switch (result.Errors.First().Code)
        {
            case OfficerEnrolment.TotpRefused:
                Error = text["CodeInvalid"];
                break;
            case OfficerEnrolment.LinkUsed:
                Refusal = text["EnrolLinkInvalid"];
                break;
            default:
                Problems = [.. result.Errors.Select(e => e.Description)];
                break;
        }

        return Page();
    }

    private async Task<(AccountFlow? Flow, Accounts.IessUser? Officer)> OpenAsync()
    {
        var (flow, officer, expired) = await enrolment.OpenAsync(FlowId, Token);
        if (flow is null || officer is null)
        {
            Refusal = expired ? text["EnrolLinkExpired"] : text["EnrolLinkInvalid"];
            Response.StatusCode = expired ? StatusCodes.Status410Gone : StatusCodes.Status404NotFound;
            return (null, null);
        }

        OfficerName = officer.DisplayName;
        SharedKey = await enrolment.AuthenticatorKeyAsync(officer);
        QrCodeDataUri = AuthenticatorQr.DataUri(officer.IessId, SharedKey);
        return (flow, officer);
    }
}
