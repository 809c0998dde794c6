using System.ComponentModel.DataAnnotations;
using Iess.Identity.Captcha;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
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

        if (!Accounts.Cedula.TryParse(Cedula, out var cedula))
        {
            ModelState.AddModelError(nameof(Cedula), Text["CedulaInvalid"]);
            return Page();
        }

        if (!await captcha.VerifyAsync(Request.Form[captcha.FieldName], HttpContext.Connection.RemoteIpAddress?.ToString(), HttpContext.RequestAborted))
        {
            Error = Text["CaptchaFailed"];
            return Page();
        }

        return await Activation.StartAsync(cedula, HttpContext) switch
        {
            StartOutcome.Started => RedirectToPage("/Recovery/Activation/Know"),
            StartOutcome.Locked => RedirectToPage("/Recovery/Locked"),
            _ => LimitedPage(),
        };
    }

    private PageResult LimitedPage()
    {
        Error = Text["RecoveryLimited"];
        return Page();
    }
}
