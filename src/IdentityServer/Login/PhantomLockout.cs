using System.Security.Cryptography;
using System.Text;
using Iess.Identity.Accounts;
using Iess.Identity.Data;
using Iess.Identity.Hosting;
using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Login;

/// <summary>
/// Lockout for what a sign-in names when no account can take it (an unknown identifier, or an account without a
/// password): failures are counted as Identity counts a real account's (the same limit and lock time, the count starting
/// again after a lock), in a shared <see cref="RateCounter"/> keyed by a keyed hash of the identifier. So "locked" after
/// the limit does not tell real accounts from others, and both paths write one row per failure.
/// </summary>
public sealed class PhantomLockout(IessDbContext db, ServerSecrets secrets, IOptions<IdentityOptions> identity, TimeProvider time)
{
    /// <summary>How long failures are remembered while the limit is not reached.</summary>
    private static readonly TimeSpan CountWindow = TimeSpan.FromDays(1);

    /// <summary>The failure counter of what was typed (a new one, not yet saved, when there is none).</summary>
    public async Task<RateCounter> CounterAsync(string identifier, string? branch, bool officer)
    {
        var key = await KeyAsync(identifier, branch, officer);
        var counter = await db.RateCounters.SingleOrDefaultAsync(c => c.Key == key);
        if (counter is null)
        {
            counter = new RateCounter { Key = key };
            db.RateCounters.Add(counter);
        }

        return counter;
    }

    /// <summary>True while the counter's identifier is locked.</summary>
    public bool IsLocked(RateCounter counter) =>
        counter.Count >= identity.Value.Lockout.MaxFailedAccessAttempts && counter.ExpiresAt > time.GetUtcNow();

    /// <summary>Counts a failed sign-in; true when this failure locks the identifier, as it would lock an account.</summary>
    public async Task<bool> FailAsync(RateCounter counter)
    {
        var lockout = identity.Value.Lockout;
        var now = time.GetUtcNow();
        if (counter.ExpiresAt <= now)
        {
            counter.Count = 0;
        }

        counter.Count++;
        var locks = counter.Count >= lockout.MaxFailedAccessAttempts;
        counter.ExpiresAt = now + (locks ? lockout.DefaultLockoutTimeSpan : CountWindow);
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            // Another node or request counted the same identifier at the same moment; one count is enough.
            db.ChangeTracker.Clear();
        }

        return locks;
    }

    private async Task<string> KeyAsync(string identifier, string? branch, bool officer)
    {
        // As sign-in reads them: a RUC without a branch is its first branch.
        var kind = AccountDirectory.Classify(identifier, out var compact);
        var normalized = kind == AccountDirectory.IdentifierKind.Ruc ? AccountDirectory.NormalizeBranch(branch) ?? "0001" : "";
        var text = $"{(officer ? "officer" : "person")}:{compact}:{normalized}";
        return "signin-phantom:" + Convert.ToHexString(HMACSHA256.HashData(await secrets.GetAsync("signin-identifiers"), Encoding.UTF8.GetBytes(text)));
    }
}
