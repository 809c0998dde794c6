using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Recovery.Activation;

/// <summary>Generar clave, step 2: the date of birth the registry holds.</summary>
public sealed class KnowModel(ActivationService activation, IStringLocalizer<SharedResource> text, IOptions<RecoveryOptions> options)
    : ActivationPageModel(activation, text)
{
    [BindProperty]
    public DateOnly? DateOfBirth { get; set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync(FlowState.Identified) ?? Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await LoadAsync(FlowState.Identified) is { } elsewhere)
        {
            return elsewhere;
        }

        if (DateOfBirth is not { } dob)
        {
            Error = Text["DateOfBirthRequired"];
            return Page();
        }

        var outcome = await Activation.VerifyKnowledgeAsync(Flow, dob, HttpContext);
        if (outcome == StepOutcome.Failed)
        {
            Error = Text["ActivateDataMismatch", options.Value.MaxStepFailures - Flow.KnowledgeAttempts];
            return Page();
        }

        return After(outcome, Flow.KnowledgeAttempts, options.Value.MaxStepFailures) ?? Page();
    }
}
