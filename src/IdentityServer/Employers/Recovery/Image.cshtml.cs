using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Employers.Recovery;

/// <summary>Recuperar clave empleador: the branch's security image out of a grid that is the same on every attempt.</summary>
public sealed class ImageModel(EmployerRecoveryService recovery, IStringLocalizer<SharedResource> text, IOptions<RecoveryOptions> options, PublicAddress publicAddress)
    : EmployerRecoveryPageModel(recovery, text)
{
    [BindProperty]
    public int? Picked { get; set; }

    public IReadOnlyList<SecurityImage> Grid { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (await LoadAsync(FlowState.KnowledgeVerified) is { } elsewhere)
        {
            return elsewhere;
        }

        Grid = await Recovery.GridAsync(Flow);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await LoadAsync(FlowState.KnowledgeVerified) is { } elsewhere)
        {
            return elsewhere;
        }

        Grid = await Recovery.GridAsync(Flow);
        if (Picked is null || Grid.All(i => i.Id != Picked))
        {
            Error = Text["ImageRequired"];
            return Page();
        }

        var outcome = await Recovery.VerifyImageAsync(Flow, Picked.Value, publicAddress.For(HttpContext), HttpContext);
        return After(outcome, Flow.ImageAttempts, options.Value.MaxStepFailures) ?? Page();
    }
}
