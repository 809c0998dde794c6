using System.ComponentModel.DataAnnotations;
using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Employers.Recovery;

/// <summary>Recuperar clave empleador, last step: the new password, checked by the password policy; then every session ends.</summary>
public sealed class ResetModel(EmployerRecoveryService recovery, IStringLocalizer<SharedResource> text) : EmployerRecoveryPageModel(recovery, text)
{
    [BindProperty]
    [Required(ErrorMessage = "PasswordRequired")]
    [StringLength(1024, ErrorMessage = "PasswordRequired")]
    public string? Password { get; set; }

    [BindProperty]
    [Required(ErrorMessage = "PasswordRequired")]
    [StringLength(1024, ErrorMessage = "PasswordRequired")]
    public string? Confirmation { get; set; }

    public IReadOnlyList<string> Problems { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync() => await LoadAsync(FlowState.PossessionVerified) ?? Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await LoadAsync(FlowState.PossessionVerified) is { } elsewhere)
        {
            return elsewhere;
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (Password != Confirmation)
        {
            Error = Text["PasswordsDiffer"];
            return Page();
        }

        var result = await Recovery.ResetAsync(Flow, Password!, HttpContext);
        if (!result.Succeeded)
        {
            Problems = result.Errors.Select(e => e.Description).ToList();
            return Page();
        }

        return RedirectToPage("/Employers/Recovery/Done");
    }
}
