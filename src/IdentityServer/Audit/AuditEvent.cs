namespace Iess.Identity.Audit;

/// <summary>One security event in the append-only log; each row's hash covers the previous row's hash.</summary>
public class AuditEvent
{
    public long Id { get; set; }

    /// <summary>Position in the chain, gap-free from 1.</summary>
    public long Sequence { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>What happened, e.g. <c>signin.failed</c>, <c>account.locked</c>.</summary>
    public string Type { get; set; } = "";

    /// <summary>success, failure, denied…</summary>
    public string Outcome { get; set; } = "";

    /// <summary>The account the event is about (its opaque id), if any.</summary>
    public string? Subject { get; set; }

    /// <summary>Who acted: the account itself, an officer's sub, a client id, or the system.</summary>
    public string? Actor { get; set; }

    public string? IpAddress { get; set; }

    /// <summary>Non-secret context (never passwords, codes or tokens).</summary>
    public string? Detail { get; set; }

    public string PreviousHash { get; set; } = "";

    public string Hash { get; set; } = "";
}
