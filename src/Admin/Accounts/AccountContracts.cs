namespace Iess.Admin.Accounts;

/// <summary>One page of a list from the admin API.</summary>
public sealed record ApiPage<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, int Total);

/// <summary>A search result row (GET /api/admin/accounts).</summary>
public sealed record AccountRow(string Id, string AccountType, string IessId, string? Branch, string DisplayName, string? Email, bool LockedOut, bool RecoveryLocked);

/// <summary>An account's status (GET /api/admin/accounts/{id}); <see cref="Version"/> goes back in If-Match.</summary>
public sealed record AccountView(
    string Id,
    string AccountType,
    string IessId,
    string? Branch,
    string? GivenNames,
    string? FamilyNames,
    string? BusinessName,
    string DisplayName,
    RepresentativeView? LegalRepresentative,
    bool LockedOut,
    DateTimeOffset? LockedUntil,
    int FailedSignIns,
    bool RecoveryLocked,
    DateTimeOffset? RecoveryLockedAt,
    string? RecoveryLockReason,
    string? Email,
    bool EmailVerified,
    string? Phone,
    bool PhoneVerified,
    bool MfaEnabled,
    bool SecurityProfileSet,
    bool SecurityImageSet,
    int SecurityQuestions,
    bool MustChooseSecurityProfile,
    IReadOnlyList<PendingContactView> PendingContacts,
    IReadOnlyList<AccountEventView> RecentSignIns,
    IReadOnlyList<RecoveryAttemptView> RecentRecoveryAttempts,
    string Version)
{
    public bool IsEmployer => AccountType == "Employer";
}

public sealed record RepresentativeView(string? Cedula, string? Name);

public sealed record PendingContactView(string? Email, string? Phone, DateTimeOffset ExpiresAt);

public sealed record AccountEventView(DateTimeOffset At, string Type, string Outcome, string? IpAddress);

public sealed record RecoveryAttemptView(Guid Id, string Kind, string State, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, string? LockReason, string? Channel);
