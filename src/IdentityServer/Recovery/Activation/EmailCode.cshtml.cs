using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Recovery.Activation;

/// <summary>Generar clave: the code sent to the new email address.</summary>
public sealed class EmailCodeModel(ActivationService activation, IStringLocalizer<SharedResource> text, IOptions<RecoveryOptions> options)
    : CodeStepModel(activation, text, options)
{
    protected override FlowState Waiting => FlowState.CodeSent;

    protected override Task<StepOutcome> VerifyAsync(string? code) => Activation.VerifyEmailCodeAsync(Flow, code, HttpContext);

    protected override Task<SendOutcome> ResendAsync() => Activation.SendEmailCodeAsync(Flow, Flow.PendingEmail!, HttpContext);
}
