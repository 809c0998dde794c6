using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Recovery;

/// <summary>Step 4, choose where the code goes: the verified email or the verified mobile, shown masked.</summary>
public sealed class ChannelModel(RecoveryService recovery, IStringLocalizer<SharedResource> text, PublicAddress publicAddress)
    : RecoveryPageModel(recovery, text)
{
    [BindProperty]
    public PossessionChannel? Channel { get; set; }

    public IReadOnlyList<ChannelOption> Channels { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (await LoadAsync(FlowState.ImageVerified) is { } elsewhere)
        {
            return elsewhere;
        }

        Channels = await Recovery.ChannelsAsync(Flow);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await LoadAsync(FlowState.ImageVerified) is { } elsewhere)
        {
            return elsewhere;
        }

        Channels = await Recovery.ChannelsAsync(Flow);
        if (Channel is not { } channel || Channels.All(c => c.Channel != channel))
        {
            Error = Text["ChannelRequired"];
            return Page();
        }

        var sent = await Recovery.SendAsync(Flow, channel, publicAddress.For(HttpContext), HttpContext);
        if (sent == SendOutcome.Sent)
        {
            return RedirectToPage("/Recovery/Code");
        }

        Error = Text[SendMessages.Key(sent)];
        return Page();
    }
}
