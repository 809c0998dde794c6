namespace Iess.Identity.Recovery;

/// <summary>Which multi-step flow a row is.</summary>
public enum FlowKind
{
    AffiliateRecovery = 1,
    AffiliateActivation = 2,
    EmployerRecovery = 3,
    EmployerActivation = 4,

    /// <summary>An officer recorded a new email or phone after checking the person in person; the new contact confirms it.</summary>
    OfficialUpdate = 5,

    /// <summary>An officer created by the <c>add-officer</c> verb sets a password and TOTP through a one-time link.</summary>
    OfficerEnrolment = 6,
}

/// <summary>
/// Where a flow stands. Each step runs only from the state before it. Recovery: Identified → KnowledgeVerified →
/// ImageVerified → CodeSent → PossessionVerified → Completed. Activation (Generar clave): Identified →
/// KnowledgeVerified → CodeSent (email code) → PossessionVerified (email verified) → [PhoneCodeSent] →
/// ContactsVerified → Completed. Locked and Expired end either.
/// </summary>
public enum FlowState
{
    Identified = 1,
    KnowledgeVerified = 2,
    ImageVerified = 3,
    CodeSent = 4,
    PossessionVerified = 5,
    Completed = 6,
    Locked = 7,
    Expired = 8,
    PhoneCodeSent = 9,
    ContactsVerified = 10,
}

/// <summary>How the one-time secret of the possession step travels.</summary>
public enum PossessionChannel
{
    Email = 1,
    Sms = 2,
}

/// <summary>
/// A recovery (or similar) flow persisted as a row, so it survives a restart and works on any node. A flow for an
/// identifier with no account has no <see cref="UserId"/> (a phantom): it walks the same pages and always fails.
/// </summary>
public class AccountFlow
{
    public Guid Id { get; set; }

    public FlowKind Kind { get; set; }

    public FlowState State { get; set; }

    /// <summary>The account, or null for a phantom flow.</summary>
    public string? UserId { get; set; }

    /// <summary>HMAC of the typed identifier: per-identifier limits and stable decoys without storing the cédula.</summary>
    public string IdentifierHash { get; set; } = "";

    /// <summary>
    /// A keyed hash of what several identifiers share (an employer's RUC across its branches), so limits can
    /// count the whole group; null when the identifier is its own group.
    /// </summary>
    public string? GroupHash { get; set; }

    /// <summary>SHA-256 of the secret in the browser's flow cookie; a flow only answers the browser that started it.</summary>
    public string BindingHash { get; set; } = "";

    public string? IpAddress { get; set; }

    public int KnowledgeAttempts { get; set; }

    public int ImageAttempts { get; set; }

    public int CodeAttempts { get; set; }

    public int Sends { get; set; }

    public PossessionChannel? Channel { get; set; }

    /// <summary>HMAC of the current code (email or SMS); null once used or replaced.</summary>
    public string? CodeHash { get; set; }

    /// <summary>HMAC of the current email link token.</summary>
    public string? LinkHash { get; set; }

    public DateTimeOffset? CodeExpiresAt { get; set; }

    /// <summary>
    /// Activation: the email address being verified, applied to the account only when the flow completes. Employer flows:
    /// the corporate email the code goes to, set only when RUC, branch and legal representative all matched (null: phantom).
    /// </summary>
    public string? PendingEmail { get; set; }

    /// <summary>Activation: the mobile number being verified (E.164).</summary>
    public string? PendingPhone { get; set; }

    public DateTimeOffset? LastSentAt { get; set; }

    /// <summary>Why the flow locked, for officers (knowledge, image, code).</summary>
    public string? LockReason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Optimistic concurrency: two requests racing on one flow cannot both advance it.</summary>
    public int Version { get; set; }
}
