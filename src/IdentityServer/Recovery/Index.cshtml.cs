using System.ComponentModel.DataAnnotations;
using Iess.Identity.Captcha;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Recovery;

/// <summary>Step 1, identify: cédula (check digit validated) and the CAPTCHA.</summary>
public sealed class IndexModel(RecoveryService recovery, IStringLocalizer<SharedResource> text, ICaptchaVerifier captcha)
    : RecoveryPageModel(recovery, text)
{
    [BindProperty]
    [Required(ErrorMessage = "CedulaRequired")]
    [StringLength(20, ErrorMessage = "CedulaInvalid")]
    [Display(Name = "CedulaLabel")]
    public string? Cedula { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Problem { get; set; }

    public string? Notice { get; private set; }

    public void OnGet()
    {
        if (Problem == "expired")
        {
            Notice = Text["RecoveryExpired"];
        }
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        return await IdentifyAsync(Cedula, captcha) is { } cedula ? AfterStart(await Recovery.StartAsync(cedula, HttpContext)) : Page();
    }
}
