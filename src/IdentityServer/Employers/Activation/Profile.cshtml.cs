using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Employers.Activation;

/// <summary>Generar clave empleador, last step: security image, three questions and the password (the policy applies).</summary>
public sealed class ProfileModel(EmployerActivationService activation, IStringLocalizer<SharedResource> text) : EmployerActivationPageModel(activation, text)
{
    [BindProperty]
    public int? Image { get; set; }

    [BindProperty]
    public int[] QuestionIds { get; set; } = [0, 0, 0];

    [BindProperty]
    public string[] Answers { get; set; } = ["", "", ""];

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? Confirmation { get; set; }

    public IReadOnlyList<string> Problems { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync() => await LoadAsync(FlowState.PossessionVerified) ?? Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await LoadAsync(FlowState.PossessionVerified) is { } elsewhere)
        {
            return elsewhere;
        }

        if (!SecurityProfile.TryCollect(Image, QuestionIds, Answers, out var answers))
        {
            Error = Text["SecurityProfileIncomplete"];
            return Page();
        }

        if (string.IsNullOrEmpty(Password) || Password.Length > 1024 || Password != Confirmation)
        {
            Error = Text[string.IsNullOrEmpty(Password) ? "PasswordRequired" : "PasswordsDiffer"];
            return Page();
        }

        var result = await Activation.CompleteAsync(Flow, Image!.Value, answers, Password, HttpContext);
        if (!result.Succeeded)
        {
            Problems = result.Errors.Select(e => e.Code is "Conflict" ? Text[e.Description].Value : e.Description).ToList();
            return Page();
        }

        return RedirectToPage("/Employers/Activation/Done");
    }
}
