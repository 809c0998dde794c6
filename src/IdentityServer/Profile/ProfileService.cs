using Iess.Identity.Accounts;
using Iess.Identity.Audit;
using Iess.Identity.Data;
using Iess.Identity.Messaging;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace Iess.Identity.Profile;

/// <summary>
/// The signed-in person's own changes that need more than one call: a new password ends every other session and
/// token, an email change is confirmed by a code to the new address and announced to the old one.
/// </summary>
public sealed class ProfileService(
    UserManager<IessUser> users,
    SignInManager<IessUser> signIn,
    IOpenIddictTokenManager tokens,
    IOpenIddictAuthorizationManager authorizations,
    MessageOutbox outbox,
    IessDbContext db,
    AuditLog audit,
    IOptions<Recovery.RecoveryOptions> recovery,
    TimeProvider time)
{
    /// <summary>Changes the password (policy and history apply), revokes the account's tokens and keeps this browser signed in.</summary>
    public async Task<IdentityResult> ChangePasswordAsync(IessUser user, string current, string replacement, HttpContext http)
    {
        var result = await users.ChangePasswordAsync(user, current, replacement);
        await audit.WriteAsync("profile.password", result.Succeeded ? "success" : "failure", user.Id, user.Id, http);
        if (!result.Succeeded)
        {
            return result;
        }

        await tokens.RevokeBySubjectAsync(user.Id);
        await authorizations.RevokeBySubjectAsync(user.Id);
        if (user is { EmailConfirmed: true, Email: { } email })
        {
            outbox.QueueEmail(email, EmailTemplates.PasswordChanged(user.DisplayName, time.GetUtcNow()), "password.changed", user.Id);
            await db.SaveChangesAsync();
        }

        await signIn.RefreshSignInAsync(user);
        return result;
    }

    /// <summary>True when another account already has this address verified (the person is not told whose).</summary>
    public Task<bool> EmailTakenAsync(IessUser user, string email)
    {
        var normalized = users.NormalizeEmail(email);
        return users.Users.AnyAsync(u => u.Id != user.Id && u.NormalizedEmail == normalized && u.EmailConfirmed);
    }

    /// <summary>Sends a 6-digit code to the new address; the code is bound to the account and to that address.</summary>
    public async Task SendEmailChangeCodeAsync(IessUser user, string newEmail, HttpContext http)
    {
        var code = await users.GenerateChangeEmailTokenAsync(user, newEmail);
        outbox.QueueEmail(newEmail, EmailTemplates.VerificationCode(user.DisplayName, code), "email.verify", user.Id);
        await db.SaveChangesAsync();
        await audit.WriteAsync("profile.email_code", "success", user.Id, user.Id, http);
    }

    /// <summary>Confirms the new address with its code, then tells the old address what changed.</summary>
    public async Task<bool> ConfirmEmailChangeAsync(IessUser user, string newEmail, string code, HttpContext http)
    {
        var old = user.EmailConfirmed ? user.Email : null;
        if (await EmailTakenAsync(user, newEmail))
        {
            return false;
        }

        var result = await users.ChangeEmailAsync(user, newEmail, code.Trim());
        await audit.WriteAsync("profile.email", result.Succeeded ? "success" : "failure", user.Id, user.Id, http);
        if (!result.Succeeded)
        {
            // Wrong codes count like wrong passwords: five and the account locks for a while.
            await users.AccessFailedAsync(user);
            return false;
        }

        if (old is not null && !string.Equals(old, newEmail, StringComparison.OrdinalIgnoreCase))
        {
            outbox.QueueEmail(old, EmailTemplates.EmailChanged(user.DisplayName, Recovery.Masking.Email(newEmail)), "email.changed", user.Id);
            await db.SaveChangesAsync();
        }

        await signIn.RefreshSignInAsync(user);
        return true;
    }

    /// <summary>Sends a 6-digit SMS code to the new mobile number; false when the number's daily SMS cap is reached.</summary>
    public async Task<bool> SendPhoneCodeAsync(IessUser user, string phone, HttpContext http)
    {
        if (!await outbox.TakeSmsAllowanceAsync(phone, recovery.Value.MaxSmsPerPhonePerDay))
        {
            await audit.WriteAsync("profile.phone_code", "limited", user.Id, user.Id, http, "daily cap per phone");
            return false;
        }

        var code = await users.GenerateChangePhoneNumberTokenAsync(user, phone);
        outbox.QueueSms(phone, $"IESS: su codigo para registrar este celular es {code}. No lo comparta.", "phone.verify", user.Id);
        await db.SaveChangesAsync();
        await audit.WriteAsync("profile.phone_code", "success", user.Id, user.Id, http);
        return true;
    }

    public async Task<bool> ConfirmPhoneAsync(IessUser user, string phone, string code, HttpContext http)
    {
        var result = await users.ChangePhoneNumberAsync(user, phone, code.Trim());
        await audit.WriteAsync("profile.phone", result.Succeeded ? "success" : "failure", user.Id, user.Id, http);
        if (result.Succeeded)
        {
            await signIn.RefreshSignInAsync(user);
        }
        else
        {
            await users.AccessFailedAsync(user);
        }

        return result.Succeeded;
    }
}
