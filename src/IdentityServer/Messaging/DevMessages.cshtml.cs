using Iess.Identity.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Iess.Identity.Messaging;

/// <summary>Development only: the emails (/dev/mail) and SMS (/dev/sms) the app would have sent, newest first.</summary>
public sealed class DevMessagesModel(IessDbContext db, IHostEnvironment environment) : PageModel
{
    public MessageChannel Channel { get; private set; }

    public IReadOnlyList<OutboxMessage> Messages { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string kind)
    {
        if (!environment.IsDevelopment())
        {
            return NotFound();
        }

        Channel = kind == "sms" ? MessageChannel.Sms : MessageChannel.Email;
        Messages = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.Channel == Channel)
            .OrderByDescending(m => m.QueuedAt)
            .Take(100)
            .ToListAsync();
        return Page();
    }
}
