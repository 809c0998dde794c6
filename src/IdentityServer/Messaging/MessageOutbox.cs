using Iess.Identity.Data;

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
