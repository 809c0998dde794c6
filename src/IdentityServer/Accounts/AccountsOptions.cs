using System.ComponentModel.DataAnnotations;

namespace Iess.Identity.Accounts;

/// <summary>Password hashing, policy and lockout settings, bound from <c>Iess:Accounts</c>.</summary>
public sealed class AccountsOptions
{
    public const string Section = "Iess:Accounts";

    /// <summary>Argon2id memory in KiB; OWASP's m = 7 MiB is the floor.</summary>
    [Range(7 * 1024, 4 * 1024 * 1024)]
    public int Argon2MemoryKiB { get; set; } = 7 * 1024;

    /// <summary>Argon2id passes; t = 5 is the floor (libsodium fixes p = 1).</summary>
    [Range(5, 100)]
    public int Argon2Iterations { get; set; } = 5;

    [Range(8, 64)]
    public int PasswordMinLength { get; set; } = 8;

    /// <summary>Longest password accepted; at least 64 as NIST SP 800-63B asks.</summary>
    [Range(64, 1024)]
    public int PasswordMaxLength { get; set; } = 128;

    /// <summary>Lowest zxcvbn score (0–4) a new password must reach.</summary>
    [Range(0, 4)]
    public int PasswordMinScore { get; set; } = 3;

    /// <summary>How many previous passwords may not be reused.</summary>
    [Range(0, 24)]
    public int PasswordHistory { get; set; } = 5;

    [Range(1, 100)]
    public int LockoutMaxFailures { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}
