using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Employers.Recovery;

/// <summary>Recuperar clave empleador: the code sent (with a link) to the branch's corporate email, and a resend.</summary>
public sealed class CodeModel(EmployerRecoveryService recovery, IStringLocalizer<SharedResource> text, IOptions<RecoveryOptions> options,
    PublicAddress publicAddress, TimeProvider time) : EmployerRecoveryPageModel(recovery, text)
{
    private static readonly FlowState[] Waiting = [FlowState.CodeSent, FlowState.ImageVerified];

    [BindProperty]
    public string? Code { get; set; }

    public int ValidMinutes => (int)Math.Ceiling(Math.Max(0, ((Flow.CodeExpiresAt ?? time.GetUtcNow()) - time.GetUtcNow()).TotalMinutes));

    public bool CanResend => Flow.Sends < options.Value.MaxSendsPerFlow;

    public async Task<IActionResult> OnGetAsync() => await LoadAsync(Waiting) ?? Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await LoadAsync(Waiting) is { } elsewhere)
        {
            return elsewhere;
        }

        var outcome = await Recovery.VerifyCodeAsync(Flow, Code, HttpContext);
        return After(outcome, Flow.CodeAttempts, options.Value.MaxCodeAttempts) ?? Page();
    }

    public async Task<IActionResult> OnPostSendAsync()
    {
        if (await LoadAsync(Waiting) is { } elsewhere)
        {
            return elsewhere;
        }

        var sent = await Recovery.SendAsync(Flow, publicAddress.For(HttpContext), HttpContext);
        if (sent != SendOutcome.Sent)
        {
            Error = Text[SendMessages.Key(sent)];
            return Page();
        }

        return RedirectToPage("/Employers/Recovery/Code");
    }
}
