using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Employers.Activation;

/// <summary>Generar clave empleador: the code sent to the corporate email the registry holds, and a resend.</summary>
public sealed class CodeModel(EmployerActivationService activation, IStringLocalizer<SharedResource> text, IOptions<RecoveryOptions> options,
    TimeProvider time) : EmployerActivationPageModel(activation, text)
{
    private static readonly FlowState[] Waiting = [FlowState.CodeSent, FlowState.Identified];

    [BindProperty]
    public string? Code { get; set; }

    public int ValidMinutes => (int)Math.Ceiling(Math.Max(0, ((Flow.CodeExpiresAt ?? time.GetUtcNow()) - time.GetUtcNow()).TotalMinutes));

    public bool CanResend => Flow.Sends < options.Value.MaxSendsPerFlow;

    public async Task<IActionResult> OnGetAsync() => await LoadAsync(Waiting) ?? Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await LoadAsync(Waiting) is { } elsewhere)
        {
            return elsewhere;
        }

        var outcome = await Activation.VerifyCodeAsync(Flow, Code, HttpContext);
        if (outcome == StepOutcome.Failed)
        {
            Error = Text["ActivateDataMismatch", options.Value.MaxCodeAttempts - Flow.CodeAttempts];
            return Page();
        }

        return After(outcome, Flow.CodeAttempts, options.Value.MaxCodeAttempts) ?? Page();
    }

    public async Task<IActionResult> OnPostSendAsync()
    {
        if (await LoadAsync(Waiting) is { } elsewhere)
        {
            return elsewhere;
        }

        var sent = await Activation.SendAsync(Flow, HttpContext);
        if (sent != SendOutcome.Sent)
        {
            Error = Text[SendMessages.Key(sent)];
            return Page();
        }

        return RedirectToPage("/Employers/Activation/Code");
    }
}
