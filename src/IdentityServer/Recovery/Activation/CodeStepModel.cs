using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Recovery.Activation;

/// <summary>The shared shape of the two code pages of Generar clave (email, then the optional mobile).</summary>
public abstract class CodeStepModel(ActivationService activation, IStringLocalizer<SharedResource> text, IOptions<RecoveryOptions> options)
    : ActivationPageModel(activation, text)
{
    [BindProperty]
    public string? Code { get; set; }

    protected abstract FlowState Waiting { get; }

    protected abstract Task<StepOutcome> VerifyAsync(string? code);

    protected abstract Task<SendOutcome> ResendAsync();

    public async Task<IActionResult> OnGetAsync() => await LoadAsync(Waiting) ?? Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await LoadAsync(Waiting) is { } elsewhere)
        {
            return elsewhere;
        }

        return After(await VerifyAsync(Code), Flow.CodeAttempts, options.Value.MaxCodeAttempts) ?? Page();
    }

    public async Task<IActionResult> OnPostResendAsync()
    {
        if (await LoadAsync(Waiting) is { } elsewhere)
        {
            return elsewhere;
        }

        var sent = await ResendAsync();
        Error = sent == SendOutcome.Sent ? null : Text[SendMessages.Key(sent)].Value;
        return Page();
    }
}
