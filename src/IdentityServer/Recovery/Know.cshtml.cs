using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Recovery;

/// <summary>Step 2, know: date of birth or the answers to two of the registered security questions.</summary>
public sealed class KnowModel(RecoveryService recovery, IStringLocalizer<SharedResource> text, IOptions<RecoveryOptions> options)
    : RecoveryPageModel(recovery, text)
{
    [BindProperty]
    public string Method { get; set; } = "dob";

    [BindProperty]
    public DateOnly? DateOfBirth { get; set; }

    // An explicit name stops MVC from falling back to the empty prefix when no Answers[n] are posted (a date-of-birth
    // attempt), which bound every form field as a dictionary key and marked the model invalid ("Method" is not an int).
    [BindProperty(Name = nameof(Answers))]
    public Dictionary<int, string> Answers { get; set; } = [];

    public IReadOnlyList<SecurityQuestion> Questions { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (await LoadAsync(FlowState.Identified) is { } elsewhere)
        {
            return elsewhere;
        }

        Questions = await Recovery.QuestionsAsync(Flow);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await LoadAsync(FlowState.Identified) is { } elsewhere)
        {
            return elsewhere;
        }

        Questions = await Recovery.QuestionsAsync(Flow);
        if (Method == "dob" && DateOfBirth is null)
        {
            Error = Text["DateOfBirthRequired"];
            return Page();
        }

        var outcome = await Recovery.VerifyKnowledgeAsync(Flow, Method == "dob" ? DateOfBirth : null, Method == "dob" ? null : Answers, HttpContext);
        return After(outcome, Flow.KnowledgeAttempts, options.Value.MaxStepFailures) ?? Page();
    }
}
