using Iess.Identity.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Accounts;

/// <summary>Identity's user manager, plus the password history the policy checks against.</summary>
public sealed class IessUserManager(
    IUserStore<IessUser> store,
    IOptions<IdentityOptions> optionsAccessor,
    IPasswordHasher<IessUser> passwordHasher,
    IEnumerable<IUserValidator<IessUser>> userValidators,
    IEnumerable<IPasswordValidator<IessUser>> passwordValidators,
    ILookupNormalizer keyNormalizer,
    IdentityErrorDescriber errors,
    IServiceProvider services,
    ILogger<UserManager<IessUser>> logger,
    IessDbContext db,
    TimeProvider time)
    : UserManager<IessUser>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    // Identity's ChangePasswordAsync and ResetPasswordAsync call a private UpdatePasswordHash overload, never the
    // protected virtual one, so the history is recorded here, around the two ways a person sets a new password.
    // A hash that is merely upgraded (SuccessRehashNeeded) goes through neither and is not recorded.
    public override Task<IdentityResult> ChangePasswordAsync(IessUser user, string currentPassword, string newPassword) =>
        RecordingOutgoingHashAsync(user, () => base.ChangePasswordAsync(user, currentPassword, newPassword));

    public override Task<IdentityResult> ResetPasswordAsync(IessUser user, string token, string newPassword) =>
        RecordingOutgoingHashAsync(user, () => base.ResetPasswordAsync(user, token, newPassword));

    private async Task<IdentityResult> RecordingOutgoingHashAsync(IessUser user, Func<Task<IdentityResult>> change)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (string.IsNullOrEmpty(user.PasswordHash))
        {
            return await change();
        }

        // Tracked before the change so Identity's own save writes the new hash and the outgoing one together.
        var entry = db.PasswordHistory.Add(new PasswordHistoryEntry
        {
            UserId = user.Id,
            PasswordHash = user.PasswordHash,
            ChangedAt = time.GetUtcNow(),
        });
        try
        {
            var result = await change();
            if (!result.Succeeded)
            {
                entry.State = EntityState.Detached;
            }

            return result;
        }
        catch
        {
            entry.State = EntityState.Detached;
            throw;
        }
    }
}
