using Iess.Identity.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Recovery.Activation;

/// <summary>
/// Generar clave: register an email address (a code is sent to it). From the code page the person may also come back
/// here to correct the address. An address verified on another account is refused without saying whose.
/// </summary>
public sealed class EmailModel(ActivationService activation, IStringLocalizer<SharedResource> text) : ActivationPageModel(activation, text)
{
    [BindProperty]
    public string? Email { get; set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync(FlowState.KnowledgeVerified, FlowState.CodeSent) ?? Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await LoadAsync(FlowState.KnowledgeVerified, FlowState.CodeSent) is { } elsewhere)
        {
            return elsewhere;
        }

        if (!ContactData.TryNormalizeEmail(Email, out var email))
        {
            Error = Text["EmailInvalid"];
            return Page();
        }

        if (await Activation.EmailTakenAsync(Flow, email))
        {
            Error = Text["EmailTaken"];
            return Page();
        }

        var sent = await Activation.SendEmailCodeAsync(Flow, email, HttpContext);
        if (sent != SendOutcome.Sent)
        {
            Error = Text[SendMessages.Key(sent)];
            return Page();
        }

        return RedirectToPage("/Recovery/Activation/EmailCode");
    }
}
