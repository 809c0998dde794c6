using System.Globalization;
using System.Reflection;
using System.Text;
using Iess.Identity.Data;
using Iess.Identity.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Accounts;

/// <summary>
/// The one password policy, run by Identity wherever a password is set: length, common and guessable
/// passwords (blocklist and zxcvbn), sequences, personal data and the last passwords. No composition rules.
/// </summary>
public sealed class PasswordPolicy(
    IOptions<AccountsOptions> options,
    IStringLocalizer<SharedResource> text,
    IessDbContext db,
    IPasswordHasher<IessUser> hasher) : IPasswordValidator<IessUser>
{
    private static readonly Lazy<HashSet<string>> Blocklist = new(LoadBlocklist);
    private static readonly string[] KeyboardRows = ["qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890", "qwertzuiop"];
    private const int RunLength = 5;

    public async Task<IdentityResult> ValidateAsync(UserManager<IessUser> manager, IessUser user, string? password)
    {
        var errors = new List<IdentityError>();
        password = PasswordText.Normalize(password ?? "");
        var o = options.Value;
        var length = new StringInfo(password).LengthInTextElements;

        if (length < o.PasswordMinLength)
        {
            errors.Add(Error("PasswordTooShort", o.PasswordMinLength));
        }
        else if (length > o.PasswordMaxLength)
        {
            errors.Add(Error("PasswordTooLong", o.PasswordMaxLength));
        }
        else
        {
            var folded = Fold(password);
            var personal = PersonalData(user);
            if (personal.Any(p => folded.Contains(p, StringComparison.Ordinal)))
            {
                errors.Add(Error("PasswordHasPersonalData"));
            }
            else if (HasRun(folded))
            {
                errors.Add(Error("PasswordHasSequence"));
            }
            else if (Blocklist.Value.Contains(folded) || Blocklist.Value.Contains(folded.Trim("0123456789!.*#@$-_ ".ToCharArray())))
            {
                errors.Add(Error("PasswordCommon"));
            }
            else if (Zxcvbn.Zxcvbn.MatchPassword(password, personal).Score < o.PasswordMinScore)
            {
                errors.Add(Error("PasswordWeak"));
            }
            else if (await WasUsedRecentlyAsync(user, password))
            {
                errors.Add(Error("PasswordReused", o.PasswordHistory));
            }
        }

        return errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]);
    }

    private IdentityError Error(string code, params object[] args) =>
        new() { Code = code, Description = text[code, args] };

    private async Task<bool> WasUsedRecentlyAsync(IessUser user, string password)
    {
        var keep = options.Value.PasswordHistory;
        if (keep == 0 || string.IsNullOrEmpty(user.Id))
        {
            return false;
        }

        var hashes = await db.PasswordHistory.AsNoTracking()
            .Where(h => h.UserId == user.Id)
            .OrderByDescending(h => h.ChangedAt)
            .Select(h => h.PasswordHash)
            .Take(keep)
            .ToListAsync();
        if (user.PasswordHash is not null)
        {
            hashes.Insert(0, user.PasswordHash);
        }

        return hashes.Take(keep).Any(h => hasher.VerifyHashedPassword(user, h, password) != PasswordVerificationResult.Failed);
    }

    /// <summary>Lower-case, accents removed: how passwords are compared with words and personal data.</summary>
    internal static string Fold(string value)
    {
        var decomposed = value.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static List<string> PersonalData(IessUser user)
    {
        var items = new List<string>();
        foreach (var id in new[] { user.IessId, user.LegalRepresentativeCedula })
        {
            if (!string.IsNullOrEmpty(id))
            {
                items.Add(id);
                if (id.Length >= 10)
                {
                    items.Add(id[..10]);
                }
            }
        }

        if (user.DateOfBirth is { } dob)
        {
            foreach (var format in new[] { "ddMMyyyy", "dd/MM/yyyy", "dd-MM-yyyy", "dd.MM.yyyy", "yyyyMMdd", "yyyy-MM-dd", "yyyy/MM/dd", "ddMMyy", "MMddyyyy" })
            {
                items.Add(dob.ToString(format, CultureInfo.InvariantCulture));
            }
        }

        foreach (var name in new[] { user.GivenNames, user.FamilyNames, user.BusinessName, user.LegalRepresentativeName })
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                continue;
            }

            items.AddRange(Fold(name).Split([' ', '-', '.', ','], StringSplitOptions.RemoveEmptyEntries).Where(part => part.Length >= 3));
        }

        return items;
    }

    private static bool HasRun(string text)
    {
        int repeat = 1, up = 1, down = 1;
        for (var i = 1; i < text.Length; i++)
        {
            repeat = text[i] == text[i - 1] ? repeat + 1 : 1;
            up = text[i] == text[i - 1] + 1 ? up + 1 : 1;
            down = text[i] == text[i - 1] - 1 ? down + 1 : 1;
            if (repeat >= RunLength || up >= RunLength || down >= RunLength)
            {
                return true;
            }
        }

        for (var i = 0; i + RunLength <= text.Length; i++)
        {
            var window = text.Substring(i, RunLength);
            if (KeyboardRows.Any(row => row.Contains(window, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    private static HashSet<string> LoadBlocklist()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Iess.Identity.Accounts.common-passwords.txt")
            ?? throw new InvalidOperationException("The password blocklist is not embedded.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                set.Add(Fold(line.Trim()));
            }
        }

        return set;
    }
}
