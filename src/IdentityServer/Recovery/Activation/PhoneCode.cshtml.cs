using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Recovery.Activation;

/// <summary>Generar clave: the SMS code sent to the new mobile number.</summary>
public sealed class PhoneCodeModel(ActivationService activation, IStringLocalizer<SharedResource> text, IOptions<RecoveryOptions> options)
    : CodeStepModel(activation, text, options)
{
    protected override FlowState Waiting => FlowState.PhoneCodeSent;

    protected override Task<StepOutcome> VerifyAsync(string? code) => Activation.VerifyPhoneCodeAsync(Flow, code, HttpContext);

    protected override Task<SendOutcome> ResendAsync() => Activation.SendPhoneCodeAsync(Flow, Flow.PendingPhone!, HttpContext);
}
