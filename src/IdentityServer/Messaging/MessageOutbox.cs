using Iess.Identity.Data;
using Iess.Identity.Hosting;

namespace Iess.Identity.Messaging;

/// <summary>Queues messages in the caller's database context, so they are saved with the change that caused them.</summary>
public sealed class MessageOutbox(IessDbContext db, IRateCounterStore counters, TimeProvider time)
{
    public OutboxMessage QueueEmail(string recipient, EmailContent content, string purpose, string? userId) =>
        Queue(new OutboxMessage
        {
            Channel = MessageChannel.Email,
            Recipient = recipient,
            Subject = content.Subject,
            TextBody = content.Text,
            HtmlBody = content.Html,
            Purpose = purpose,
            UserId = userId,
        });

    public OutboxMessage QueueSms(string recipient, string text, string purpose, string? userId) =>
        Queue(new OutboxMessage { Channel = MessageChannel.Sms, Recipient = recipient, TextBody = text, Purpose = purpose, UserId = userId });

    /// <summary>
    /// SMS-pumping protection: counts one SMS to this number today, whatever it is for and whichever account asks,
    /// and says whether it is within <paramref name="dailyCap"/>. Call it just before queuing the SMS.
    /// </summary>
    public async Task<bool> TakeSmsAllowanceAsync(string phone, int dailyCap) =>
        await counters.IncrementAsync("sms-number", phone, TimeSpan.FromDays(1)) <= dailyCap;

    private OutboxMessage Queue(OutboxMessage message)
    {
        var now = time.GetUtcNow();
        message.Id = Guid.NewGuid();
        message.QueuedAt = now;
        message.NextAttemptAt = now;
        db.OutboxMessages.Add(message);
        return message;
    }
}
