using Iess.Identity.Captcha;
using Iess.Identity.Recovery;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Employers.Recovery;

/// <summary>Recuperar clave empleador, step 1: RUC, branch, the legal representative's cédula and the CAPTCHA.</summary>
public sealed class IndexModel(EmployerRecoveryService recovery, IStringLocalizer<SharedResource> text, ICaptchaVerifier captcha, PublicAddress publicAddress)
    : EmployerIdentifyModel(text, captcha)
{
    protected override string StartPage => "/Employers/Recovery/Index";

    protected override string PageFor(FlowState state) => EmployerPages.Recovery(state);

    protected override Task<(StartOutcome Outcome, FlowState State)> StartAsync(EmployerClaim claim) =>
        recovery.StartAsync(claim, publicAddress.For(HttpContext), HttpContext);
}
