using Iess.Identity.Captcha;
using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Employers;

/// <summary>Base of the "Recuperar clave empleador" pages.</summary>
public abstract class EmployerRecoveryPageModel(EmployerRecoveryService recovery, IStringLocalizer<SharedResource> text) : FlowPageModel(text)
{
    protected EmployerRecoveryService Recovery => recovery;

    protected override string StartPage => "/Employers/Recovery/Index";

    protected override Task<FlowLoad> LoadFlowAsync(FlowState[] states) => recovery.LoadAsync(HttpContext, states);

    protected override string PageFor(FlowState state) => EmployerPages.Recovery(state);
}

/// <summary>Base of the "Generar clave empleador" pages.</summary>
public abstract class EmployerActivationPageModel(EmployerActivationService activation, IStringLocalizer<SharedResource> text) : FlowPageModel(text)
{
    protected EmployerActivationService Activation => activation;

    protected override string StartPage => "/Employers/Activation/Index";

    protected override Task<FlowLoad> LoadFlowAsync(FlowState[] states) => activation.LoadAsync(HttpContext, states);

    protected override string PageFor(FlowState state) => EmployerPages.Activation(state);
}

/// <summary>Where an employer flow in a given state continues.</summary>
public static class EmployerPages
{
    public static string Recovery(FlowState state) => state switch
    {
        FlowState.KnowledgeVerified => "/Employers/Recovery/Image",
        FlowState.ImageVerified or FlowState.CodeSent => "/Employers/Recovery/Code",
        FlowState.PossessionVerified => "/Employers/Recovery/Reset",
        FlowState.Completed => "/Employers/Recovery/Done",
        FlowState.Locked => "/Recovery/Locked",
        _ => "/Employers/Recovery/Index",
    };

    public static string Activation(FlowState state) => state switch
    {
        FlowState.Identified or FlowState.CodeSent => "/Employers/Activation/Code",
        FlowState.PossessionVerified => "/Employers/Activation/Profile",
        FlowState.Completed => "/Employers/Activation/Done",
        FlowState.Locked => "/Recovery/Locked",
        _ => "/Employers/Activation/Index",
    };
}

/// <summary>The identify step both employer flows share: RUC, branch, the legal representative's cédula and the CAPTCHA.</summary>
public abstract class EmployerIdentifyModel(IStringLocalizer<SharedResource> text, ICaptchaVerifier captcha) : FlowPageModel(text)
{
    [BindProperty]
    public string? Ruc { get; set; }

    [BindProperty]
    public string? Branch { get; set; }

    [BindProperty]
    public string? Representative { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Problem { get; set; }

    public string? Notice { get; private set; }

    /// <summary>Starts the flow; on success also says the state it is in (where the person continues).</summary>
    protected abstract Task<(StartOutcome Outcome, FlowState State)> StartAsync(EmployerClaim claim);

    protected override Task<FlowLoad> LoadFlowAsync(FlowState[] states) => Task.FromResult(new FlowLoad(null, LoadProblem.NoFlow));

    public void OnGet()
    {
        if (Problem == "expired")
        {
            Notice = Text["RecoveryExpired"];
        }
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!EmployerClaim.TryParse(Ruc, Branch, Representative, out var claim, out var errors))
        {
            foreach (var (field, key) in errors)
            {
                ModelState.AddModelError(field, Text[key]);
            }

            return Page();
        }

        if (!await captcha.VerifyAsync(Request.Form[captcha.FieldName], HttpContext.Connection.RemoteIpAddress?.ToString(), HttpContext.RequestAborted))
        {
            Error = Text["CaptchaFailed"];
            return Page();
        }

        var (outcome, state) = await StartAsync(claim);
        switch (outcome)
        {
            case StartOutcome.Started:
                return RedirectToPage(PageFor(state));
            case StartOutcome.Locked:
                return RedirectToPage("/Recovery/Locked");
            default:
                Error = Text["RecoveryLimited"];
                return Page();
        }
    }
}
