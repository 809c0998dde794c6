using Iess.Identity.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Recovery.Activation;

/// <summary>Generar clave: optionally register a mobile number (an SMS code verifies it), or skip.</summary>
public sealed class PhoneModel(ActivationService activation, IStringLocalizer<SharedResource> text) : ActivationPageModel(activation, text)
{
    [BindProperty]
    public string? Phone { get; set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync(FlowState.PossessionVerified) ?? Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await LoadAsync(FlowState.PossessionVerified) is { } elsewhere)
        {
            return elsewhere;
        }

        if (!ContactData.TryNormalizePhone(Phone, out var phone))
        {
            Error = Text["PhoneInvalid"];
            return Page();
        }

        var sent = await Activation.SendPhoneCodeAsync(Flow, phone, HttpContext);
        if (sent != SendOutcome.Sent)
        {
            Error = Text[SendMessages.Key(sent)];
            return Page();
        }

        return RedirectToPage("/Recovery/Activation/PhoneCode");
    }

    public async Task<IActionResult> OnPostSkipAsync()
    {
        if (await LoadAsync(FlowState.PossessionVerified) is { } elsewhere)
        {
            return elsewhere;
        }

        await Activation.SkipPhoneAsync(Flow, HttpContext);
        return RedirectToPage("/Recovery/Activation/Profile");
    }
}
