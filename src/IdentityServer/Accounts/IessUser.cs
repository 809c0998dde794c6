using Microsoft.AspNetCore.Identity;

namespace Iess.Identity.Accounts;

/// <summary>Who an account belongs to; decides which identifier signs it in and which claims it carries.</summary>
public enum AccountType
{
    Affiliate = 1,
    Employer = 2,
    Officer = 3,
}

/// <summary>An IESS account: an affiliate (cédula), an employer branch (RUC + sucursal) or an officer.</summary>
public class IessUser : IdentityUser
{
    public AccountType AccountType { get; set; }

    /// <summary>The compact cédula (affiliates, officers) or RUC (employers).</summary>
    public string IessId { get; set; } = "";

    /// <summary>The employer's branch (sucursal) code, e.g. 0001; null for other accounts.</summary>
    public string? Branch { get; set; }

    public string? GivenNames { get; set; }

    public string? FamilyNames { get; set; }

    public DateOnly? DateOfBirth { get; set; }

    public string? BusinessName { get; set; }

    public string? LegalRepresentativeCedula { get; set; }

    public string? LegalRepresentativeName { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The registered security image (see <c>Recovery/SecurityImages</c>), or null when none is set.</summary>
    public int? SecurityImageId { get; set; }

    /// <summary>When self-service recovery locked for this account (too many failures); officers see it and why.</summary>
    public DateTimeOffset? RecoveryLockedAt { get; set; }

    public string? RecoveryLockReason { get; set; }

    /// <summary>
    /// Set when an officer resets the security profile: the person must choose a security image and questions
    /// again at the next sign-in before reaching any app.
    /// </summary>
    public bool MustChooseSecurityProfile { get; set; }

    public string DisplayName => AccountType == AccountType.Employer
        ? BusinessName ?? IessId
        : $"{GivenNames} {FamilyNames}".Trim();

    /// <summary>The unique user name Identity keys the account by: the type, the identifier and the branch.</summary>
    public static string AccountKey(AccountType type, string iessId, string? branch = null) => type switch
    {
        AccountType.Affiliate => $"A-{iessId}",
        AccountType.Officer => $"O-{iessId}",
        AccountType.Employer => $"E-{iessId}-{branch}",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
