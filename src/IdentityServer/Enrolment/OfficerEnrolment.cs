using Iess.Identity.Accounts;
using Iess.Identity.AdminApi;
using Iess.Identity.Audit;
using Iess.Identity.Data;
using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Enrolment;

/// <summary>What the <c>add-officer</c> verb was given.</summary>
public sealed record NewOfficer(string? Cedula, string? GivenNames, string? FamilyNames, string? Email, string? Role);

/// <summary>
/// Creates officers without a password and enrols them through a one-time, expiring link (an <see cref="AccountFlow"/>
/// of kind <see cref="FlowKind.OfficerEnrolment"/> holding only the link's keyed hash), where they choose a password
/// and set up TOTP. The link is the only way in, so it is single-use and short-lived.
/// </summary>
public sealed class OfficerEnrolment(
    IessDbContext db,
    UserManager<IessUser> users,
    FlowStore flows,
    AuditLog audit,
    IOptions<EnrolmentOptions> options,
    TimeProvider time)
{
    public const string TotpRefused = "enrolment.totp";
    public const string LinkUsed = "enrolment.used";
    private const string LinkPurpose = "enrolment-link";

    /// <summary>Creates the officer and the flow; returns the link's path and query, or the problems found (nothing created).</summary>
    public async Task<(string? Link, IReadOnlyList<string> Problems)> CreateAsync(NewOfficer input)
    {
        var problems = new List<string>();
        if (!Cedula.TryParse(input.Cedula, out var cedula))
        {
            problems.Add("--cedula: cédula no válida / invalid cédula");
        }

        if (!Name(input.GivenNames) || !Name(input.FamilyNames))
        {
            problems.Add("--given-names, --family-names: de 1 a 100 caracteres / 1 to 100 characters");
        }

        if (!ContactData.TryNormalizeEmail(input.Email, out var email))
        {
            problems.Add("--email: correo no válido / invalid email");
        }

        if (input.Role is null || !OfficerRoles.IsKnown(input.Role))
        {
            problems.Add($"--role: {string.Join(" | ", OfficerRoles.All)}");
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var userName = IessUser.AccountKey(AccountType.Officer, cedula.Value);
        if (await users.FindByNameAsync(userName) is not null)
        {
            return (null, ["Ya existe un funcionario con esa cédula / An officer with that cédula already exists"]);
        }

        var now = time.GetUtcNow();
        var officer = new IessUser
        {
            AccountType = AccountType.Officer, IessId = cedula.Value, UserName = userName, GivenNames = input.GivenNames!.Trim(),
            FamilyNames = input.FamilyNames!.Trim(), Email = email, EmailConfirmed = true, CreatedAt = now,
        };
        var flow = new AccountFlow
        {
            Id = Guid.NewGuid(),
            Kind = FlowKind.OfficerEnrolment,
            State = FlowState.CodeSent,
            UserId = officer.Id,
            IdentifierHash = await flows.IdentifierHashAsync(FlowKind.OfficerEnrolment, cedula.Value),
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = now + options.Value.LinkLifetime,
        };
        var token = FlowStore.NewLinkToken();
        flow.LinkHash = await flows.SecretHashAsync(flow, LinkPurpose, token);

        // The officer, the role and the link together or not at all (the keys above are read before: SQLite has one writer).
        await using var transaction = await db.Database.BeginTransactionAsync();
        var created = await users.CreateAsync(officer);
        if (created.Succeeded)
        {
            created = await users.AddToRoleAsync(officer, input.Role!);
        }

        if (!created.Succeeded)
        {
            return (null, [.. created.Errors.Select(e => e.Description)]);
        }

        db.AccountFlows.Add(flow);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        await audit.WriteAsync("officer.created", "success", officer.Id, "system", null, $"role={input.Role}; enrolment link until {flow.ExpiresAt:O}");
        return ($"/Enrol?flow={flow.Id:N}&token={token}", []);
    }

    /// <summary>The enrolment the link names, if it is genuine, unused and unexpired; otherwise why not.</summary>
    public async Task<(AccountFlow? Flow, IessUser? Officer, bool Expired)> OpenAsync(string? flowId, string? token)
    {
        if (!Guid.TryParseExact(flowId, "N", out var id) || string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return (null, null, false);
        }

        var flow = await db.AccountFlows.SingleOrDefaultAsync(f => f.Id == id && f.Kind == FlowKind.OfficerEnrolment);
        if (flow is null || flow.State != FlowState.CodeSent || !FlowStore.FixedEquals(flow.LinkHash, await flows.SecretHashAsync(flow, LinkPurpose, token)))
        {
            return (null, null, false);
        }

        if (flow.ExpiresAt <= time.GetUtcNow())
        {
            return (null, null, true);
        }

        var officer = flow.UserId is null ? null : await users.FindByIdAsync(flow.UserId);
        return officer is null ? (null, null, false) : (flow, officer, false);
    }

    /// <summary>The authenticator key the page shows; created once per enrolment so a reload shows the same one.</summary>
    public async Task<string> AuthenticatorKeyAsync(IessUser officer)
    {
        var key = await users.GetAuthenticatorKeyAsync(officer);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(officer);
            key = await users.GetAuthenticatorKeyAsync(officer);
        }

        return key!;
    }

    /// <summary>Checks the password (policy) and the first TOTP code, uses the link up, then sets password and TOTP.</summary>
    public async Task<IdentityResult> CompleteAsync(AccountFlow flow, IessUser officer, string password, string code, HttpContext http)
    {
        foreach (var validator in users.PasswordValidators)
        {
            var valid = await validator.ValidateAsync(users, officer, password);
            if (!valid.Succeeded)
            {
                return valid;
            }
        }

        if (!await users.VerifyTwoFactorTokenAsync(officer, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            await audit.WriteAsync("officer.enrolment", "failure", officer.Id, officer.Id, http, "totp");
            return IdentityResult.Failed(new IdentityError { Code = TotpRefused });
        }

        // The link is spent first: a second request racing this one finds the flow completed (or loses on its version).
        flow.State = FlowState.Completed;
        flow.CompletedAt = time.GetUtcNow();
        flow.LinkHash = null;
        if (await flows.SaveAsync(flow) != StepOutcome.Advanced)
        {
            return IdentityResult.Failed(new IdentityError { Code = LinkUsed });
        }

        var result = await users.AddPasswordAsync(officer, password);
        if (result.Succeeded)
        {
            result = await users.SetTwoFactorEnabledAsync(officer, true);
        }

        await audit.WriteAsync("officer.enrolment", result.Succeeded ? "success" : "failure", officer.Id, officer.Id, http);
        return result;
    }

    private static bool Name(string? value) => !string.IsNullOrWhiteSpace(value) && value.Trim().Length <= 100 && !value.Any(char.IsControl);
}
