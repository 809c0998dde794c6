using Iess.Identity.Accounts;
using Iess.Identity.Audit;
using Iess.Identity.Data;
using Iess.Identity.Messaging;
using Iess.Identity.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Iess.Identity.Login;

/// <summary>
/// Checks a typed identifier and password: the same work and the same answer for an unknown identifier, an
/// account without a password and a wrong password; lockout after the limit; an audit event for every outcome.
/// </summary>
public sealed class SignInGate(
    AccountDirectory directory,
    UserManager<IessUser> users,
    SignInManager<IessUser> signIn,
    IPasswordHasher<IessUser> hasher,
    AuditLog audit,
    IessMetrics metrics,
    MessageOutbox outbox,
    IessDbContext db,
    PhantomLockout phantoms)
{
    private static string? decoyHash;

    /// <summary>The result of a password check, as the page needs it.</summary>
    public enum Outcome
    {
        SignedIn,
        NeedsSecondFactor,
        Failed,
        LockedOut,
        OfficerWithoutSecondFactor,
    }

    /// <summary>Where a completed sign-in goes: first to choose a security profile when an officer reset it, then back to the request.</summary>
    public static string AfterSignIn(IessUser user, IUrlHelper url, string? returnUrl)
    {
        var target = SafeReturnUrl(url, returnUrl);
        return user.MustChooseSecurityProfile && user.AccountType != AccountType.Officer
            ? ChooseSecurityProfilePath + QueryString.Create("ReturnUrl", target)
            : target;
    }

    public const string ChooseSecurityProfilePath = "/Login/SecurityProfile";

    /// <summary>The return URL when it stays on this server, else the home page.</summary>
    public static string SafeReturnUrl(IUrlHelper url, string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && url.IsLocalUrl(returnUrl) ? returnUrl : "/";

    public async Task<(Outcome Outcome, IessUser? User)> PasswordAsync(string identifier, string? branch, string password, bool officer, HttpContext http)
    {
        var user = await directory.FindForSignInAsync(identifier, branch, officer);
        if (user is null || string.IsNullOrEmpty(user.PasswordHash))
        {
            // The same work and answers as a real account: a locked one is refused before any hashing; otherwise spend
            // the hashing time of a real check and count the failure towards the same lockout.
            var detail = user is null ? "unknown identifier" : "no password set";
            var counter = await phantoms.CounterAsync(identifier, branch, officer);
            var locked = phantoms.IsLocked(counter);
            if (!locked)
            {
                decoyHash ??= hasher.HashPassword(new IessUser(), Guid.NewGuid().ToString("N"));
                hasher.VerifyHashedPassword(user ?? new IessUser(), decoyHash, password);
                locked = await phantoms.FailAsync(counter);
            }

            await audit.WriteAsync("signin.failed", locked ? "locked" : "failure", user?.Id, null, http, detail);
            metrics.SignIn(locked ? "locked" : "failed");
            return (locked ? Outcome.LockedOut : Outcome.Failed, null);
        }

        var wasLocked = await users.IsLockedOutAsync(user);
        var result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded || result.RequiresTwoFactor)
        {
            if (officer && result.Succeeded)
            {
                // Officers must have a second factor; without one the session is not kept.
                await signIn.SignOutAsync();
                await audit.WriteAsync("signin.failed", "denied", user.Id, user.Id, http, "officer without TOTP");
                return (Outcome.OfficerWithoutSecondFactor, user);
            }

            await audit.WriteAsync(result.Succeeded ? "signin.success" : "signin.password_ok", "success", user.Id, user.Id, http);
            metrics.SignIn(result.Succeeded ? "success" : "second_factor");
            return (result.Succeeded ? Outcome.SignedIn : Outcome.NeedsSecondFactor, user);
        }

        if (result.IsLockedOut)
        {
            if (!wasLocked)
            {
                await audit.WriteAsync("account.locked", "success", user.Id, "system", http, "too many failed sign-ins");
                if (user.EmailConfirmed && user.Email is not null && user.LockoutEnd is { } until)
                {
                    outbox.QueueEmail(user.Email, EmailTemplates.AccountLocked(user.DisplayName, until), "account.locked", user.Id);
                    await db.SaveChangesAsync();
                }
            }

            await audit.WriteAsync("signin.failed", "locked", user.Id, user.Id, http);
            metrics.SignIn("locked");
            return (Outcome.LockedOut, user);
        }

        await audit.WriteAsync("signin.failed", "failure", user.Id, user.Id, http, "wrong password");
        metrics.SignIn("failed");
        return (Outcome.Failed, user);
    }
}
