using System.ComponentModel.DataAnnotations;

namespace Iess.Identity.Login;

/// <summary>Sign-in limits beyond the per-account lockout, bound from <c>Iess:Login</c>.</summary>
public sealed class LoginOptions
{
    public const string Section = "Iess:Login";

    /// <summary>
    /// Failed sign-ins one client address may make per window, whatever accounts it tries (credential stuffing);
    /// past it every sign-in from the address is refused until the window ends.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxFailuresPerAddress { get; set; } = 30;

    public TimeSpan AddressFailureWindow { get; set; } = TimeSpan.FromMinutes(15);
}
