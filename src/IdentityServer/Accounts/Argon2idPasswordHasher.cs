using System.Text;
using Geralt;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Accounts;

/// <summary>
/// Hashes passwords with Argon2id (libsodium via Geralt). Hashes imported in ASP.NET Identity's PBKDF2 format
/// still verify, and report <see cref="PasswordVerificationResult.SuccessRehashNeeded"/> so Identity upgrades them.
/// At most one Argon2id computation per core runs at a time: more cannot finish sooner, and each one holds its
/// memory cost (7 MiB by default) while it runs, so a burst of sign-ins would otherwise grow the process by that much each.
/// </summary>
public sealed class Argon2idPasswordHasher(IOptions<AccountsOptions> options) : IPasswordHasher<IessUser>
{
    private const string Prefix = "$argon2id$";
    private static readonly PasswordHasher<IessUser> Legacy = new();
    private static readonly SemaphoreSlim OnePerCore = new(Environment.ProcessorCount, Environment.ProcessorCount);

    private int MemoryBytes => options.Value.Argon2MemoryKiB * 1024;

    private int Iterations => options.Value.Argon2Iterations;

    public string HashPassword(IessUser user, string password)
    {
        Span<char> hash = stackalloc char[Argon2id.HashSize];
        var bytes = Encoding.UTF8.GetBytes(PasswordText.Normalize(password));
        OnePerCore.Wait();
        try
        {
            Argon2id.ComputeHash(hash, bytes, Iterations, MemoryBytes);
        }
        finally
        {
            OnePerCore.Release();
            Array.Clear(bytes);
        }

        var end = hash.IndexOfAny('\0', ' ');
        return new string(end < 0 ? hash : hash[..end]);
    }

    public PasswordVerificationResult VerifyHashedPassword(IessUser user, string hashedPassword, string providedPassword)
    {
        if (string.IsNullOrEmpty(hashedPassword) || providedPassword is null)
        {
            return PasswordVerificationResult.Failed;
        }

        // A stored value neither format can read (corrupt or foreign) is a failed check, never an exception.
        if (!hashedPassword.StartsWith(Prefix, StringComparison.Ordinal))
        {
            try
            {
                return Legacy.VerifyHashedPassword(user, hashedPassword, providedPassword) == PasswordVerificationResult.Failed
                    ? PasswordVerificationResult.Failed
                    : PasswordVerificationResult.SuccessRehashNeeded;
            }
            catch (FormatException)
            {
                return PasswordVerificationResult.Failed;
            }
        }

        var bytes = Encoding.UTF8.GetBytes(PasswordText.Normalize(providedPassword));
        OnePerCore.Wait();
        try
        {
            if (!Argon2id.VerifyHash(hashedPassword, bytes))
            {
                return PasswordVerificationResult.Failed;
            }
        }
        catch (ArgumentException)
        {
            return PasswordVerificationResult.Failed;
        }
        finally
        {
            OnePerCore.Release();
            Array.Clear(bytes);
        }

        return Argon2id.NeedsRehash(hashedPassword, Iterations, MemoryBytes)
            ? PasswordVerificationResult.SuccessRehashNeeded
            : PasswordVerificationResult.Success;
    }
}
