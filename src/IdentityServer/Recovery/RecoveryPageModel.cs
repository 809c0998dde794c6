using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Recovery;

/// <summary>
/// Base of the recovery pages: loads the browser's flow for the page's step and, when the step cannot run, sends
/// the person to the page of the state the flow is really in. Pages never skip a state.
/// </summary>
public abstract class RecoveryPageModel(RecoveryService recovery, IStringLocalizer<SharedResource> text) : PageModel
{
    protected RecoveryService Recovery => recovery;

    protected IStringLocalizer<SharedResource> Text => text;

    public AccountFlow Flow { get; private set; } = null!;

    public string? Error { get; protected set; }

    /// <summary>Loads the flow if it is in one of <paramref name="states"/>; otherwise returns where to go instead.</summary>
    protected async Task<IActionResult?> LoadAsync(params FlowState[] states)
    {
        var load = await recovery.LoadAsync(HttpContext, states);
        if (load.Problem == LoadProblem.None)
        {
            Flow = load.Flow!;
            return null;
        }

        return load.Problem switch
        {
            LoadProblem.Locked => RedirectToPage("/Recovery/Locked"),
            LoadProblem.Expired when load.Flow?.State == FlowState.Completed => RedirectToPage("/Recovery/Done"),
            LoadProblem.Expired => RedirectToPage("/Recovery/Index", new { problem = "expired" }),
            LoadProblem.WrongState => RedirectToPage(PageFor(load.Flow!.State)),
            _ => RedirectToPage("/Recovery/Index"),
        };
    }

    /// <summary>Where a flow in <paramref name="state"/> continues.</summary>
    public static string PageFor(FlowState state) => state switch
    {
        FlowState.Identified => "/Recovery/Know",
        FlowState.KnowledgeVerified => "/Recovery/Image",
        FlowState.ImageVerified => "/Recovery/Channel",
        FlowState.CodeSent => "/Recovery/Code",
        FlowState.PossessionVerified => "/Recovery/Reset",
        FlowState.Completed => "/Recovery/Done",
        FlowState.Locked => "/Recovery/Locked",
        _ => "/Recovery/Index",
    };

    /// <summary>The page to show after a step's outcome; null means stay and show <see cref="Error"/>.</summary>
    protected IActionResult? After(StepOutcome outcome, int attemptsUsed, int attemptsAllowed)
    {
        switch (outcome)
        {
            case StepOutcome.Advanced:
                return RedirectToPage(PageFor(Flow.State));
            case StepOutcome.Locked:
                return RedirectToPage("/Recovery/Locked");
            case StepOutcome.Conflict:
                return RedirectToPage(PageFor(Flow.State));
            case StepOutcome.CodeExpired:
                Error = text["RecoveryCodeExpired"];
                return null;
            default:
                Error = text["RecoveryDataMismatch", attemptsAllowed - attemptsUsed];
                return null;
        }
    }
}
