using Iess.Identity.Accounts;
using Iess.Identity.Audit;
using Iess.Identity.Data;
using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Iess.Identity.Employers;

/// <summary>What a person types to name an employer branch in the self-service flows: RUC, branch and the legal representative's cédula.</summary>
public sealed record EmployerClaim(Ruc Ruc, string Branch, Cedula Representative)
{
    /// <summary>The employer's account identifier (RUC and branch); flows are limited and locked per this value.</summary>
    public string AccountIdentifier => $"{Ruc.Value}-{Branch}";

    /// <summary>What all branches of the employer share (the RUC); flows are also limited per this value.</summary>
    public string GroupIdentifier => Ruc.Value;

    /// <summary>
    /// Checks the three typed fields (RUC and cédula check digits, a branch of up to four digits); on failure lists each
    /// bad field with the resource key of its message. Existence is never checked here.
    /// </summary>
    public static bool TryParse(string? ruc, string? branch, string? representative, out EmployerClaim claim, out List<(string Field, string Key)> errors)
    {
        errors = [];
        claim = null!;
        if (!Accounts.Ruc.TryParse(ruc, out var parsedRuc))
        {
            errors.Add((nameof(Ruc), string.IsNullOrWhiteSpace(ruc) ? "RucRequired" : "RucInvalid"));
        }

        var normalizedBranch = AccountDirectory.NormalizeBranch(branch);
        if (normalizedBranch is null)
        {
            errors.Add((nameof(Branch), "EmployerBranchInvalid"));
        }

        if (!Cedula.TryParse(representative, out var cedula))
        {
            errors.Add((nameof(Representative), string.IsNullOrWhiteSpace(representative) ? "RepresentativeRequired" : "RepresentativeInvalid"));
        }

        if (errors.Count > 0)
        {
            return false;
        }

        claim = new EmployerClaim(parsedRuc, normalizedBranch!, cedula);
        return true;
    }
}

/// <summary>Employer accounts: finding the branch a claim names and changing its legal representative.</summary>
public sealed class EmployerAccounts(UserManager<IessUser> users, IessDbContext db, AuditLog audit, TimeProvider time)
{
    /// <summary>The branch account for the claim's RUC and branch, whoever the claimed representative is (null when none).</summary>
    public Task<IessUser?> FindBranchAsync(EmployerClaim claim) =>
        users.FindByNameAsync(IessUser.AccountKey(AccountType.Employer, claim.Ruc.Value, claim.Branch));

    /// <summary>True when the claimed representative is the one the account holds now.</summary>
    public static bool IsRepresentative(IessUser account, EmployerClaim claim) =>
        account.AccountType == AccountType.Employer && FlowStore.FixedEquals(account.LegalRepresentativeCedula, claim.Representative.Value);

    /// <summary>
    /// Records a new legal representative (after an officer checked the appointment). From then on only the new
    /// representative's cédula starts a recovery or Generar clave for this branch; flows the old one started end now.
    /// </summary>
    public async Task<IdentityResult> ChangeLegalRepresentativeAsync(IessUser user, string? newCedula, string? newName, string actor, HttpContext? http = null)
    {
        if (user.AccountType != AccountType.Employer)
        {
            return Failed("NotEmployer", "La cuenta no es de un empleador. / The account is not an employer's.");
        }

        if (!Cedula.TryParse(newCedula, out var cedula))
        {
            return Failed("CedulaInvalid", "La cédula del representante legal no es válida. / The legal representative's cédula is not valid.");
        }

        var name = newName?.Trim() ?? "";
        if (name.Length is 0 or > 200)
        {
            return Failed("NameInvalid", "Ingrese el nombre del representante legal (hasta 200 caracteres). / Enter the legal representative's name (up to 200 characters).");
        }

        var previous = user.LegalRepresentativeCedula;
        user.LegalRepresentativeCedula = cedula.Value;
        user.LegalRepresentativeName = name;
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded)
        {
            await audit.WriteAsync("employer.legal_representative_changed", "failure", user.Id, actor, http);
            return result;
        }

        var now = time.GetUtcNow();
        await db.AccountFlows
            .Where(f => f.UserId == user.Id && (f.Kind == FlowKind.EmployerRecovery || f.Kind == FlowKind.EmployerActivation) &&
                        f.State != FlowState.Completed && f.State != FlowState.Locked && f.State != FlowState.Expired)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.State, FlowState.Expired).SetProperty(f => f.UpdatedAt, now).SetProperty(f => f.Version, f => f.Version + 1));
        var changed = previous == cedula.Value ? "same cédula, name updated" : "representative replaced";
        await audit.WriteAsync("employer.legal_representative_changed", "success", user.Id, actor, http, changed);
        return result;
    }

    private static IdentityResult Failed(string code, string description) => IdentityResult.Failed(new IdentityError { Code = code, Description = description });
}
