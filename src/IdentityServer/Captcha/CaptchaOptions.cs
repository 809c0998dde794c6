using System.ComponentModel.DataAnnotations;

namespace Iess.Identity.Captcha;

/// <summary>Which CAPTCHA guards the public forms.</summary>
public enum CaptchaProvider
{
    /// <summary>Self-hosted proof of work, ALTCHA-compatible; no third party sees the person.</summary>
    ProofOfWork,
    ReCaptcha,
    HCaptcha,
    Turnstile,
}

/// <summary>CAPTCHA settings, bound from <c>Iess:Captcha</c>.</summary>
public sealed class CaptchaOptions
{
    public const string Section = "Iess:Captcha";

    public CaptchaProvider Provider { get; set; } = CaptchaProvider.ProofOfWork;

    /// <summary>Upper bound of the secret number; the browser tries on average half of it (about 0.3 s at 50,000).</summary>
    [Range(1000, 10_000_000)]
    public int Difficulty { get; set; } = 50_000;

    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Hosted providers: the site key shown in the page and the secret used to verify.</summary>
    public string? SiteKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>Overrides the hosted provider's siteverify URL (a regional endpoint, or a stand-in in tests).</summary>
    public Uri? VerifyEndpoint { get; set; }

    /// <summary>The hosted provider's script and frame origin, allowed by the content security policy.</summary>
    public static string? WidgetOrigin(CaptchaProvider provider) => provider switch
    {
        CaptchaProvider.ReCaptcha => "https://www.google.com https://www.gstatic.com",
        CaptchaProvider.HCaptcha => "https://hcaptcha.com https://*.hcaptcha.com",
        CaptchaProvider.Turnstile => "https://challenges.cloudflare.com",
        _ => null,
    };

    /// <summary>The hosted provider's widget script.</summary>
    public static string? WidgetScript(CaptchaProvider provider) => provider switch
    {
        CaptchaProvider.ReCaptcha => "https://www.google.com/recaptcha/api.js",
        CaptchaProvider.HCaptcha => "https://js.hcaptcha.com/1/api.js",
        CaptchaProvider.Turnstile => "https://challenges.cloudflare.com/turnstile/v0/api.js",
        _ => null,
    };

    /// <summary>The CSS class the hosted widget's script looks for.</summary>
    public static string? WidgetClass(CaptchaProvider provider) => provider switch
    {
        CaptchaProvider.ReCaptcha => "g-recaptcha",
        CaptchaProvider.HCaptcha => "h-captcha",
        CaptchaProvider.Turnstile => "cf-turnstile",
        _ => null,
    };
}
