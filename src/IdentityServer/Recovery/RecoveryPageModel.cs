using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Recovery;

/// <summary>
/// Base of the flow pages (recovery, activation): loads the browser's flow for the page's step and, when the step
/// cannot run, sends the person to the page of the state the flow is really in. Pages never skip a state.
/// </summary>
public abstract class FlowPageModel(IStringLocalizer<SharedResource> text) : PageModel
{
    protected IStringLocalizer<SharedResource> Text => text;

    /// <summary>The first page of this kind of flow.</summary>
    protected abstract string StartPage { get; }

    protected abstract Task<FlowLoad> LoadFlowAsync(FlowState[] states);

    /// <summary>Where a flow in <paramref name="state"/> continues.</summary>
    protected abstract string PageFor(FlowState state);

    public AccountFlow Flow { get; private set; } = null!;

    public string? Error { get; protected set; }

    /// <summary>Loads the flow if it is in one of <paramref name="states"/>; otherwise returns where to go instead.</summary>
    protected async Task<IActionResult?> LoadAsync(params FlowState[] states)
    {
        var load = await LoadFlowAsync(states);
        if (load.Problem == LoadProblem.None)
        {
            Flow = load.Flow!;
            return null;
        }

        return load.Problem switch
        {
            LoadProblem.Locked => RedirectToPage("/Recovery/Locked"),
            LoadProblem.Expired when load.Flow?.State == FlowState.Completed => RedirectToPage(PageFor(FlowState.Completed)),
            LoadProblem.Expired => RedirectToPage(StartPage, new { problem = "expired" }),
            LoadProblem.WrongState => RedirectToPage(PageFor(load.Flow!.State)),
            _ => RedirectToPage(StartPage),
        };
    }

    /// <summary>
    /// The identify step's input: the cédula (check digit) and the CAPTCHA; null, with the page's message set,
    /// when either is wrong. Nothing is looked up here, so the answer says nothing about accounts.
    /// </summary>
    protected async Task<Accounts.Cedula?> IdentifyAsync(string? input, Captcha.ICaptchaVerifier captcha)
    {
        if (!Accounts.Cedula.TryParse(input, out var cedula))
        {
            ModelState.AddModelError("Cedula", text["CedulaInvalid"]);
            return null;
        }

        if (!await captcha.VerifyAsync(Request.Form[captcha.FieldName], HttpContext.Connection.RemoteIpAddress?.ToString(), HttpContext.RequestAborted))
        {
            Error = text["CaptchaFailed"];
            return null;
        }

        return cedula;
    }

    /// <summary>The app sign-in the person came from, kept so the last page can lead back to it.</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Where a started (or refused) flow goes next.</summary>
    protected IActionResult AfterStart(StartOutcome outcome)
    {
        switch (outcome)
        {
            case StartOutcome.Started:
                ReturnTo.Remember(HttpContext, ReturnUrl);
                return RedirectToPage(PageFor(FlowState.Identified));
            case StartOutcome.Locked:
                return RedirectToPage("/Recovery/Locked");
            default:
                Error = text["RecoveryLimited"];
                return Page();
        }
    }

    /// <summary>The page to show after a step's outcome; null means stay and show <see cref="Error"/>.</summary>
    protected IActionResult? After(StepOutcome outcome, int attemptsUsed, int attemptsAllowed)
    {
        switch (outcome)
        {
            case StepOutcome.Advanced:
            case StepOutcome.Conflict:
                return RedirectToPage(PageFor(Flow.State));
            case StepOutcome.Locked:
                return RedirectToPage("/Recovery/Locked");
            case StepOutcome.CodeExpired:
                Error = Text["RecoveryCodeExpired"];
                return null;
            default:
                Error = Text["RecoveryDataMismatch", attemptsAllowed - attemptsUsed];
                return null;
        }
    }
}

/// <summary>Base of the recovery pages.</summary>
public abstract class RecoveryPageModel(RecoveryService recovery, IStringLocalizer<SharedResource> text) : FlowPageModel(text)
{
    protected RecoveryService Recovery => recovery;

    protected override string StartPage => "/Recovery/Index";

    protected override Task<FlowLoad> LoadFlowAsync(FlowState[] states) => recovery.LoadAsync(HttpContext, states);

    protected override string PageFor(FlowState state) => state switch
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
}

/// <summary>Base of the activation (Generar clave) pages.</summary>
public abstract class ActivationPageModel(ActivationService activation, IStringLocalizer<SharedResource> text) : FlowPageModel(text)
{
    protected ActivationService Activation => activation;

    protected override string StartPage => "/Recovery/Activation/Index";

    protected override Task<FlowLoad> LoadFlowAsync(FlowState[] states) => activation.LoadAsync(HttpContext, states);

    protected override string PageFor(FlowState state) => state switch
    {
        FlowState.Identified => "/Recovery/Activation/Know",
        FlowState.KnowledgeVerified => "/Recovery/Activation/Email",
        FlowState.CodeSent => "/Recovery/Activation/EmailCode",
        FlowState.PossessionVerified => "/Recovery/Activation/Phone",
        FlowState.PhoneCodeSent => "/Recovery/Activation/PhoneCode",
        FlowState.ContactsVerified => "/Recovery/Activation/Profile",
        FlowState.Completed => "/Recovery/Activation/Done",
        FlowState.Locked => "/Recovery/Locked",
        _ => "/Recovery/Activation/Index",
    };
}
