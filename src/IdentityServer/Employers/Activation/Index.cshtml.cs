using Iess.Identity.Captcha;
using Iess.Identity.Recovery;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Employers.Activation;

/// <summary>Generar clave empleador, step 1: RUC, branch, the legal representative's cédula and the CAPTCHA.</summary>
public sealed class IndexModel(EmployerActivationService activation, IStringLocalizer<SharedResource> text, ICaptchaVerifier captcha)
    : EmployerIdentifyModel(text, captcha)
{
    protected override string StartPage => "/Employers/Activation/Index";

    protected override string PageFor(FlowState state) => EmployerPages.Activation(state);

    protected override Task<(StartOutcome Outcome, FlowState State)> StartAsync(EmployerClaim claim) => activation.StartAsync(claim, HttpContext);
}
