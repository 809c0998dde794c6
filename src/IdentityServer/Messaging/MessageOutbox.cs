using Iess.Identity.Data;
using Microsoft.EntityFrameworkCore;

namespace Iess.Identity.Messaging;

/// <summary>Queues messages in the caller's database context, so they are saved with the change that caused them.</summary>
public sealed class MessageOutbox(IessDbContext db, TimeProvider time)
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

    /// <summary>SMS queued to this number in the last 24 hours, whatever they were for (SMS-pumping protection).</summary>
    public Task<int> SmsToNumberTodayAsync(string phone)
    {
        var since = time.GetUtcNow().AddDays(-1);
        return db.OutboxMessages.CountAsync(m => m.Channel == MessageChannel.Sms && m.Recipient == phone && m.QueuedAt > since);
    }

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
