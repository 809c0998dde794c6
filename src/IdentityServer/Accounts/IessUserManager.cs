using Iess.Identity.Data;
using Microsoft.AspNetCore.Identity;
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
    /// <summary>Records the outgoing hash when a person sets a new password (not when a hash is merely upgraded).</summary>
    protected override async Task<IdentityResult> UpdatePasswordHash(IessUser user, string newPassword, bool validatePassword)
    {
        var previous = user.PasswordHash;
        var result = await base.UpdatePasswordHash(user, newPassword, validatePassword);
        if (result.Succeeded && validatePassword && !string.IsNullOrEmpty(previous))
        {
            db.PasswordHistory.Add(new PasswordHistoryEntry
            {
                UserId = user.Id,
                PasswordHash = previous,
                ChangedAt = time.GetUtcNow(),
            });
        }

        return result;
    }
}
