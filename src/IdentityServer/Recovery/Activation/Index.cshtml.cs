using System.ComponentModel.DataAnnotations;
using Iess.Identity.Captcha;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Recovery.Activation;

/// <summary>Generar clave, step 1: cédula and the CAPTCHA.</summary>
public sealed class IndexModel(ActivationService activation, IStringLocalizer<SharedResource> text, ICaptchaVerifier captcha)
    : ActivationPageModel(activation, text)
{
    [BindProperty]
    [Required(ErrorMessage = "CedulaRequired")]
    [StringLength(20, ErrorMessage = "CedulaInvalid")]
    public string? Cedula { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Problem { get; set; }

    public void OnGet()
    {
        if (Problem == "expired")
        {
            Error = Text["RecoveryExpired"];
        }
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        return await IdentifyAsync(Cedula, captcha) is { } cedula ? AfterStart(await Activation.StartAsync(cedula, HttpContext)) : Page();
    }
}
