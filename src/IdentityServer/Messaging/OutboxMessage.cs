namespace Iess.Identity.Messaging;

/// <summary>How a message reaches the person.</summary>
public enum MessageChannel
{
    Email = 1,
    Sms = 2,
}

/// <summary>
/// A message waiting in (or gone through) the outbox. Written in the same transaction as the change that caused it,
/// then claimed by exactly one node's dispatcher and sent; queued, sent and failed times are kept for the console.
/// </summary>
public class OutboxMessage
{
    public Guid Id { get; set; }

    public MessageChannel Channel { get; set; }

    /// <summary>What the message is for, e.g. <c>account.locked</c>; used by metrics and the console.</summary>
    public string Purpose { get; set; } = "";

    public string Recipient { get; set; } = "";

    public string? Subject { get; set; }

    public string TextBody { get; set; } = "";

    public string? HtmlBody { get; set; }

    /// <summary>The account the message is about, if any.</summary>
    public string? UserId { get; set; }

    /// <summary>The flow whose code or link this message carries (null for notices), so delivery waits can be measured per flow.</summary>
    public Guid? FlowId { get; set; }

    public DateTimeOffset QueuedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public int Attempts { get; set; }

    public string? ClaimedBy { get; set; }

    public DateTimeOffset? ClaimedUntil { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Set when the dispatcher gave up after the last attempt.</summary>
    public DateTimeOffset? FailedAt { get; set; }

    public string? LastError { get; set; }
}
