using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Captcha;

/// <summary>
/// Google reCAPTCHA, hCaptcha or Cloudflare Turnstile: the widget's token is checked with the provider's
/// siteverify endpoint (the three share one request and response shape).
/// </summary>
public sealed class HostedCaptchaVerifier(HttpClient http, IOptions<CaptchaOptions> options) : ICaptchaVerifier
{
    public string FieldName => options.Value.Provider switch
    {
        CaptchaProvider.ReCaptcha => "g-recaptcha-response",
        CaptchaProvider.HCaptcha => "h-captcha-response",
        _ => "cf-turnstile-response",
    };

    public static Uri VerifyEndpoint(CaptchaProvider provider) => provider switch
    {
        CaptchaProvider.ReCaptcha => new Uri("https://www.google.com/recaptcha/api/siteverify"),
        CaptchaProvider.HCaptcha => new Uri("https://api.hcaptcha.com/siteverify"),
        CaptchaProvider.Turnstile => new Uri("https://challenges.cloudflare.com/turnstile/v0/siteverify"),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    public async Task<bool> VerifyAsync(string? response, string? remoteIp, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(response) || response.Length > 4096)
        {
            return false;
        }

        var form = new Dictionary<string, string> { ["secret"] = options.Value.SecretKey ?? "", ["response"] = response };
        if (remoteIp is not null)
        {
            form["remoteip"] = remoteIp;
        }

        var endpoint = options.Value.VerifyEndpoint ?? VerifyEndpoint(options.Value.Provider);
        using var reply = await http.PostAsync(endpoint, new FormUrlEncodedContent(form), cancellationToken);
        if (!reply.IsSuccessStatusCode)
        {
            return false;
        }

        var result = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<SiteVerify>(reply.Content, cancellationToken);
        return result?.Success == true;
    }

    private sealed record SiteVerify([property: JsonPropertyName("success")] bool Success);
}
