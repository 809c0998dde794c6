using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Recovery;

/// <summary>
/// Step 4b: the code that was sent. The page says where it went (masked), how long it is valid, to look in
/// Spam/Promociones, offers the other verified channel and a resend, and explains what to do if the address is old.
/// </summary>
public sealed class CodeModel(RecoveryService recovery, IStringLocalizer<SharedResource> text, IOptions<RecoveryOptions> options,
    PublicAddress publicAddress, TimeProvider time) : RecoveryPageModel(recovery, text)
{
    [BindProperty]
    public string? Code { get; set; }

    public IReadOnlyList<ChannelOption> Channels { get; private set; } = [];

    public ChannelOption? SentTo => Channels.FirstOrDefault(c => c.Channel == Flow.Channel);

    public ChannelOption? Other => Channels.FirstOrDefault(c => c.Channel != Flow.Channel);

    public int ValidMinutes => (int)Math.Ceiling(Math.Max(0, ((Flow.CodeExpiresAt ?? time.GetUtcNow()) - time.GetUtcNow()).TotalMinutes));

    public bool CanResend => Flow.Sends < options.Value.MaxSendsPerFlow;

    public async Task<IActionResult> OnGetAsync() => await LoadPageAsync() ?? Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await LoadPageAsync() is { } elsewhere)
        {
            return elsewhere;
        }

        var outcome = await Recovery.VerifyCodeAsync(Flow, Code, HttpContext);
        return After(outcome, Flow.CodeAttempts, options.Value.MaxCodeAttempts) ?? Page();
    }

    /// <summary>Sends again, on the same channel or the other verified one.</summary>
    public async Task<IActionResult> OnPostSendAsync(PossessionChannel channel)
    {
        if (await LoadPageAsync() is { } elsewhere)
        {
            return elsewhere;
        }

        var sent = await Recovery.SendAsync(Flow, channel, publicAddress.For(HttpContext), HttpContext);
        if (sent != SendOutcome.Sent)
        {
            Error = Text[SendMessages.Key(sent)];
            return Page();
        }

        return RedirectToPage("/Recovery/Code");
    }

    private async Task<IActionResult?> LoadPageAsync()
    {
        if (await LoadAsync(FlowState.CodeSent) is { } elsewhere)
        {
            return elsewhere;
        }

        Channels = await Recovery.ChannelsAsync(Flow);
        return null;
    }
}
