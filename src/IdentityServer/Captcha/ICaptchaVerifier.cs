namespace Iess.Identity.Captcha;

/// <summary>Checks the CAPTCHA answer a form carried. One interface for the self-hosted and the hosted providers.</summary>
public interface ICaptchaVerifier
{
    /// <summary>The form field the widget fills in.</summary>
    string FieldName { get; }

    Task<bool> VerifyAsync(string? response, string? remoteIp, CancellationToken cancellationToken);
}
