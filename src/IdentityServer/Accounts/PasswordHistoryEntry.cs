namespace Iess.Identity.Accounts;

/// <summary>A password hash an account used before, kept so the policy can refuse recent passwords.</summary>
public class PasswordHistoryEntry
{
    public long Id { get; set; }

    public string UserId { get; set; } = "";

    public string PasswordHash { get; set; } = "";

    public DateTimeOffset ChangedAt { get; set; }
}
