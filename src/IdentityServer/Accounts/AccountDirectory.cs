using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Iess.Identity.Accounts;

/// <summary>Finds the account a typed identifier names: a cédula (affiliate or officer) or a RUC and branch.</summary>
public sealed class AccountDirectory(UserManager<IessUser> users)
{
    /// <summary>What the typed identifier is, or why it is not one.</summary>
    public enum IdentifierKind
    {
        Invalid,
        Cedula,
        Ruc,
    }

    public static IdentifierKind Classify(string? identifier, out string compact)
    {
        compact = "";
        if (Cedula.TryParse(identifier, out var cedula))
        {
            compact = cedula.Value;
            return IdentifierKind.Cedula;
        }

        if (Ruc.TryParse(identifier, out var ruc))
        {
            compact = ruc.Value;
            return IdentifierKind.Ruc;
        }

        return IdentifierKind.Invalid;
    }

    /// <summary>
    /// The account for a sign-in. A RUC without a branch means its lowest-numbered branch, so the form never
    /// reveals which branches exist.
    /// </summary>
    public async Task<IessUser?> FindForSignInAsync(string identifier, string? branch, bool officer)
    {
        switch (Classify(identifier, out var compact))
        {
            case IdentifierKind.Cedula:
                return await users.FindByNameAsync(IessUser.AccountKey(officer ? AccountType.Officer : AccountType.Affiliate, compact));
            case IdentifierKind.Ruc when !officer:
                if (!string.IsNullOrWhiteSpace(branch))
                {
                    var normalized = NormalizeBranch(branch);
                    return normalized is null ? null : await users.FindByNameAsync(IessUser.AccountKey(AccountType.Employer, compact, normalized));
                }

                return await users.Users
                    .Where(u => u.AccountType == AccountType.Employer && u.IessId == compact)
                    .OrderBy(u => u.Branch)
                    .FirstOrDefaultAsync();
            default:
                return null;
        }
    }

    /// <summary>A branch code as people type it ("1", "001", "0001") in its four-digit form, or null.</summary>
    public static string? NormalizeBranch(string? branch)
    {
        var trimmed = branch?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > 4 || !trimmed.All(char.IsAsciiDigit))
        {
            return null;
        }

        return trimmed.PadLeft(4, '0');
    }
}
