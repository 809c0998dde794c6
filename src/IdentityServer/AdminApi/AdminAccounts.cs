using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using Iess.Identity.Accounts;
using Iess.Identity.Audit;
using Iess.Identity.Data;
using Iess.Identity.Employers;
using Iess.Identity.Messaging;
using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace Iess.Identity.AdminApi;

/// <summary>Limits of the officers' account tools, bound from <c>Iess:AdminAccounts</c>.</summary>
public sealed class AdminAccountsOptions
{
    public const string Section = "Iess:AdminAccounts";

    /// <summary>How many recent sign-ins and recovery attempts an account's status lists.</summary>
    [Range(1, 50)]
    public int RecentEvents { get; set; } = 10;

    /// <summary>How long the code and link of an official update (or a resent verification) stay valid.</summary>
    public TimeSpan VerificationLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Wrong codes before an official update's verification locks (the officer then starts a new one).</summary>
    [Range(1, 20)]
    public int MaxCodeAttempts { get; set; } = 5;

    /// <summary>Name search: rows read from the database before the exact, accent-insensitive filter.</summary>
    [Range(10, 5000)]
    public int MaxNameCandidates { get; set; } = 500;
}

/// <summary>What a change by an officer came to: done, refused because the account changed meanwhile, or bad input.</summary>
public sealed record ChangeOutcome(bool Conflict, IDictionary<string, string[]>? Errors)
{
    public static readonly ChangeOutcome Done = new(false, null);

    public static readonly ChangeOutcome Concurrent = new(true, null);

    public static ChangeOutcome Invalid(string field, string message) => new(false, new Dictionary<string, string[]> { [field] = [message] });

    public static ChangeOutcome From(IdentityResult result) =>
        result.Succeeded ? Done
        : result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure)) ? Concurrent
        : new(false, new Dictionary<string, string[]> { ["account"] = result.Errors.Select(e => e.Description).ToArray() });
}

/// <summary>How the person confirmed a contact recorded by an officer.</summary>
public enum ContactConfirmation
{
    Confirmed,
    Invalid,
    Expired,
    Locked,
    Taken,
}

/// <summary>
/// The officers' account tools behind <c>/api/admin/accounts</c>: search, status, and the audited changes (unlock,
/// resend a verification, unlock recovery, reset the security profile, official contact update, legal representative,
/// revoke sessions). Every change goes through <see cref="UserManager{TUser}.UpdateAsync"/>, so the account's
/// concurrency stamp (the API's ETag) moves and a racing change by another officer fails.
/// </summary>
public sealed class AdminAccounts(
    UserManager<IessUser> users,
    IessDbContext db,
    AuditLog audit,
    MessageOutbox outbox,
    FlowStore flows,
    EmployerAccounts employers,
    AccountDirectory directory,
    PublicAddress publicAddress,
    IOpenIddictTokenManager tokens,
    IOpenIddictAuthorizationManager authorizations,
    IOptions<AdminAccountsOptions> options,
    IOptions<RecoveryOptions> recovery,
    TimeProvider time)
{
    private AdminAccountsOptions O => options.Value;

    /// <summary>An affiliate or employer account by its opaque id (officers are managed elsewhere), or null.</summary>
    public async Task<IessUser?> FindAsync(string id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64)
        {
            return null;
        }

        var user = await users.FindByIdAsync(id);
        return user is { AccountType: AccountType.Affiliate or AccountType.Employer } ? user : null;
    }

    /// <summary>
    /// Searches by cédula, RUC (optionally "RUC-branch" or "RUC branch"), email or names. Names match word by word,
    /// partially, ignoring case and accents: the database narrows with a pattern whose vowels are wildcards, then the
    /// candidates are compared exactly in memory. Null with the field error when <paramref name="q"/> is not searchable.
    /// </summary>
    public async Task<Page<AccountSummary>?> SearchAsync(string? q, int page, int size, Action<string, string> invalid)
    {
        var text = q?.Trim() ?? "";
        if (text.Length is 0 or > 100 || text.Any(char.IsControl))
        {
            invalid("q", "Escriba qué buscar (1 a 100 caracteres) / Enter a search of 1 to 100 characters");
            return null;
        }

        var accounts = users.Users.AsNoTracking().Where(u => u.AccountType == AccountType.Affiliate || u.AccountType == AccountType.Employer);
        var compact = text.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (compact.Length > 0 && compact.All(char.IsAsciiDigit))
        {
            if (Cedula.TryParse(compact, out var cedula))
            {
                return await PageAsync(accounts.Where(u => u.IessId == cedula.Value), page, size);
            }

            if (compact.Length is > 13 and <= 17 && Ruc.TryParse(compact[..13], out var withBranch) && AccountDirectory.NormalizeBranch(compact[13..]) is { } branch)
            {
                return await PageAsync(accounts.Where(u => u.IessId == withBranch.Value && u.Branch == branch), page, size);
            }

            if (Ruc.TryParse(compact, out var ruc))
            {
                return await PageAsync(accounts.Where(u => u.IessId == ruc.Value), page, size);
            }

            invalid("q", "La cédula o el RUC no es válido (revise el dígito verificador) / The cédula or RUC is not valid (check digit)");
            return null;
        }

        if (text.Contains('@', StringComparison.Ordinal))
        {
            var normalized = users.NormalizeEmail(text);
            return await PageAsync(accounts.Where(u => u.NormalizedEmail == normalized), page, size);
        }

        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Fold).Where(w => w.Length > 0).Take(6).ToList();
        if (words.Count == 0 || words.Any(w => !w.All(c => char.IsAsciiLetterLower(c) || c is '\'' or '.' or '-')))
        {
            invalid("q", "Busque por cédula, RUC, correo o nombres (solo letras) / Search by cédula, RUC, email or names (letters only)");
            return null;
        }

        foreach (var word in words)
        {
            var pattern = "%" + new string(word.Select(c => "aeiouyn".Contains(c, StringComparison.Ordinal) ? '_' : c).ToArray()) + "%";
            accounts = accounts.Where(u =>
                EF.Functions.Like((u.GivenNames ?? "").ToLower(), pattern) || EF.Functions.Like((u.FamilyNames ?? "").ToLower(), pattern) ||
                EF.Functions.Like((u.BusinessName ?? "").ToLower(), pattern) || EF.Functions.Like((u.LegalRepresentativeName ?? "").ToLower(), pattern));
        }

        var candidates = await accounts.OrderBy(u => u.FamilyNames).ThenBy(u => u.BusinessName).ThenBy(u => u.Id).Take(O.MaxNameCandidates).ToListAsync();
        var matches = candidates
            .Where(u => words.All(w => new[] { u.GivenNames, u.FamilyNames, u.BusinessName, u.LegalRepresentativeName }.Any(n => n is not null && Fold(n).Contains(w, StringComparison.Ordinal))))
            .ToList();
        return new Page<AccountSummary>(matches.Skip((page - 1) * size).Take(size).Select(Summary).ToList(), page, size, matches.Count);
    }

    /// <summary>Everything an officer needs to help the person, and the version to base a change on.</summary>
    public async Task<AccountStatus> StatusAsync(IessUser user)
    {
        var now = time.GetUtcNow();
        var questions = await db.SecurityAnswers.CountAsync(a => a.UserId == user.Id);
        var signIns = await db.AuditEvents.AsNoTracking()
            .Where(e => e.Subject == user.Id && (e.Type.StartsWith("signin.") || e.Type == "account.locked"))
            .OrderByDescending(e => e.Sequence).Take(O.RecentEvents)
            .Select(e => new AccountEvent(e.OccurredAt, e.Type, e.Outcome, e.IpAddress))
            .ToListAsync();
        var recent = await db.AccountFlows.AsNoTracking()
            .Where(f => f.UserId == user.Id)
            .OrderByDescending(f => f.CreatedAt).Take(O.RecentEvents * 2)
            .ToListAsync();
        var pending = recent
            .Where(f => f.Kind == FlowKind.OfficialUpdate && f.State == FlowState.CodeSent && f.ExpiresAt > now)
            .Select(f => new PendingContact(f.PendingEmail, f.PendingPhone, f.ExpiresAt))
            .ToList();
        var attempts = recent
            .Where(f => f.Kind != FlowKind.OfficialUpdate)
            .Take(O.RecentEvents)
            .Select(f => new RecoveryAttempt(f.Id, f.Kind.ToString(), (f.State is not (FlowState.Completed or FlowState.Locked or FlowState.Expired) && f.ExpiresAt <= now ? FlowState.Expired : f.State).ToString(),
                f.CreatedAt, f.CompletedAt, f.LockReason, f.Channel?.ToString()))
            .ToList();
        var lockedUntil = user.LockoutEnd is { } end && end > now ? end : (DateTimeOffset?)null;
        return new AccountStatus(
            user.Id, user.AccountType.ToString(), user.IessId, user.Branch, user.GivenNames, user.FamilyNames, user.BusinessName, user.DisplayName,
            user.AccountType == AccountType.Employer ? new LegalRepresentative(user.LegalRepresentativeCedula, user.LegalRepresentativeName) : null,
            lockedUntil is not null, lockedUntil, user.AccessFailedCount,
            user.RecoveryLockedAt is not null, user.RecoveryLockedAt, user.RecoveryLockReason,
            user.Email, user.EmailConfirmed, user.PhoneNumber, user.PhoneNumberConfirmed,
            user.TwoFactorEnabled,
            user.SecurityImageId is not null && questions >= 3 && !user.MustChooseSecurityProfile, user.SecurityImageId is not null, questions, user.MustChooseSecurityProfile,
            pending, signIns, attempts, user.ConcurrencyStamp ?? "");
    }

    /// <summary>Ends a sign-in lockout: no end date, no failed attempts counted.</summary>
    public async Task<ChangeOutcome> UnlockAsync(IessUser user, string reason, Officer officer, HttpContext http)
    {
        var wasUntil = user.LockoutEnd;
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        return await SaveAsync(user, "admin.account.unlocked", reason, officer, http, wasUntil is null ? "was not locked" : "locked until " + wasUntil.Value.ToString("O", CultureInfo.InvariantCulture));
    }

    /// <summary>Lets the person try self-service recovery again: the account mark is cleared and its locked flows no longer block a new one.</summary>
    public async Task<ChangeOutcome> UnlockRecoveryAsync(IessUser user, string reason, Officer officer, HttpContext http)
    {
        var why = user.RecoveryLockReason;
        user.RecoveryLockedAt = null;
        user.RecoveryLockReason = null;
        var now = time.GetUtcNow();
        foreach (var flow in await db.AccountFlows.Where(f => f.UserId == user.Id && f.State == FlowState.Locked).ToListAsync())
        {
            // The lock reason stays on the row for the record; only the state that blocks a new flow changes.
            flow.State = FlowState.Expired;
            flow.UpdatedAt = now;
            flow.Version++;
        }

        return await SaveAsync(user, "admin.recovery.unlocked", reason, officer, http, why is null ? null : "recovery was locked at step " + why);
    }

    /// <summary>
    /// Removes the security image and answers and makes the person choose new ones at the next sign-in. The security
    /// stamp changes too, so sessions already open end and that next sign-in really happens.
    /// </summary>
    public async Task<ChangeOutcome> ResetSecurityProfileAsync(IessUser user, string reason, Officer officer, HttpContext http)
    {
        db.SecurityAnswers.RemoveRange(await db.SecurityAnswers.Where(a => a.UserId == user.Id).ToListAsync());
        user.SecurityImageId = null;
        user.MustChooseSecurityProfile = true;
        var result = await users.UpdateSecurityStampAsync(user);
        return await AuditedAsync(result, user, "admin.security_profile.reset", reason, officer, http);
    }

    /// <summary>Revokes every token and authorization of the account and changes its security stamp, so its SSO sessions end too.</summary>
    public async Task<ChangeOutcome> RevokeSessionsAsync(IessUser user, string reason, Officer officer, HttpContext http)
    {
        var result = await users.UpdateSecurityStampAsync(user);
        if (result.Succeeded)
        {
            var revokedTokens = await tokens.RevokeBySubjectAsync(user.Id);
            var revokedAuthorizations = await authorizations.RevokeBySubjectAsync(user.Id);
            return await AuditedAsync(result, user, "admin.sessions.revoked", reason, officer, http, $"tokens {revokedTokens}, authorizations {revokedAuthorizations}");
        }

        return await AuditedAsync(result, user, "admin.sessions.revoked", reason, officer, http);
    }

    /// <summary>Changes an employer's legal representative (the cédula is checked by <see cref="EmployerAccounts"/>).</summary>
    public async Task<ChangeOutcome> ChangeLegalRepresentativeAsync(IessUser user, string? cedula, string? name, string reason, Officer officer, HttpContext http)
    {
        var result = await employers.ChangeLegalRepresentativeAsync(user, cedula, name, officer.UserId, http);
        if (!result.Succeeded)
        {
            var error = result.Errors.First();
            return error.Code switch
            {
                "CedulaInvalid" => ChangeOutcome.Invalid("cedula", error.Description),
                "NameInvalid" => ChangeOutcome.Invalid("name", error.Description),
                "NotEmployer" => ChangeOutcome.Invalid("account", error.Description),
                _ => ChangeOutcome.From(result),
            };
        }

        await audit.WriteAsync("admin.legal_representative.changed", "success", user.Id, officer.UserId, http, "reason: " + reason);
        return ChangeOutcome.Done;
    }

    /// <summary>Sends a new verification (code and link by email, code by SMS) for the account's current, unverified email or phone.</summary>
    public async Task<ChangeOutcome> ResendVerificationAsync(IessUser user, string? channel, string reason, Officer officer, HttpContext http)
    {
        var wantsEmail = channel is null ? user is { EmailConfirmed: false, Email: not null } : channel == "email";
        if (channel is not (null or "email" or "phone"))
        {
            return ChangeOutcome.Invalid("channel", "El canal debe ser email o phone / channel must be email or phone");
        }

        string? email = null, phone = null;
        if (wantsEmail && user is { EmailConfirmed: false, Email: { } unverifiedEmail })
        {
            email = unverifiedEmail;
        }
        else if (!wantsEmail && user is { PhoneNumberConfirmed: false, PhoneNumber: { } unverifiedPhone })
        {
            phone = unverifiedPhone;
        }
        else
        {
            return ChangeOutcome.Invalid("channel", "La cuenta no tiene un correo o celular sin verificar / The account has no unverified email or phone");
        }

        if (phone is not null && await outbox.SmsToNumberTodayAsync(phone) >= recovery.Value.MaxSmsPerPhonePerDay)
        {
            return ChangeOutcome.Invalid("phone", "Se alcanzó el límite diario de SMS a ese número / The daily SMS limit for that number was reached");
        }

        await ExpirePendingAsync(user);
        await StartVerificationAsync(user, email, phone, http);
        return await SaveAsync(user, "admin.verification.resent", reason, officer, http, email is not null ? "email" : "phone");
    }

    /// <summary>
    /// Records a new email and/or phone checked in person. Nothing changes on the account yet: the new address gets a
    /// code (and, for email, a link) and the account's verified email a notice; once the person confirms, the new
    /// contact replaces the old one, verified. Until then the old contact keeps working, so the account stays recoverable.
    /// </summary>
    public async Task<ChangeOutcome> OfficialUpdateAsync(IessUser user, string? email, string? phone, Evidence evidence, string reason, Officer officer, HttpContext http)
    {
        if (phone is not null && await outbox.SmsToNumberTodayAsync(phone) >= recovery.Value.MaxSmsPerPhonePerDay)
        {
            return ChangeOutcome.Invalid("phone", "Se alcanzó el límite diario de SMS a ese número / The daily SMS limit for that number was reached");
        }

        if (email is not null && await EmailTakenAsync(user, email))
        {
            return ChangeOutcome.Invalid("email", "Otra cuenta ya usa ese correo verificado / Another account already uses that verified email");
        }

        await ExpirePendingAsync(user);
        await StartVerificationAsync(user, email, phone, http);
        if (user is { EmailConfirmed: true, Email: { } old })
        {
            var changed = string.Join(", ", new[] { email is null ? null : "correo " + Masking.Email(email), phone is null ? null : "celular " + Masking.Phone(phone) }.OfType<string>());
            outbox.QueueEmail(old, EmailTemplates.OfficialUpdateNotice(user.DisplayName, changed, evidence.ServiceCentre), "admin.official_update.notice", user.Id);
        }

        var what = string.Join("+", new[] { email is null ? null : "email", phone is null ? null : "phone" }.OfType<string>());
        return await SaveAsync(user, "admin.official_update.requested", reason, officer, http,
            $"{what}; evidence {evidence.DocumentType} {Mask(evidence.DocumentNumber)} at {evidence.ServiceCentre}");
    }

    /// <summary>The person confirms with the email link (opened on any device).</summary>
    public async Task<ContactConfirmation> ConfirmByLinkAsync(Guid flowId, string? token, HttpContext http)
    {
        var flow = await db.AccountFlows.SingleOrDefaultAsync(f => f.Id == flowId && f.Kind == FlowKind.OfficialUpdate);
        if (flow is null || string.IsNullOrEmpty(token) || token.Length > 100 || flow.LinkHash is null ||
            !FlowStore.FixedEquals(flow.LinkHash, await flows.SecretHashAsync(flow, "link", token)))
        {
            await audit.WriteAsync("admin.official_update.confirmed", "failure", flow?.UserId, flow?.UserId, http, "link");
            return ContactConfirmation.Invalid;
        }

        return await ApplyAsync(flow, "link", http);
    }

    /// <summary>The person types their cédula or RUC (and branch) and the code the new email or phone received.</summary>
    public async Task<ContactConfirmation> ConfirmByCodeAsync(string identifier, string? branch, string? code, HttpContext http)
    {
        var user = await directory.FindForSignInAsync(identifier, branch, officer: false);
        var now = time.GetUtcNow();
        var open = user is null ? [] : await db.AccountFlows
            .Where(f => f.UserId == user.Id && f.Kind == FlowKind.OfficialUpdate && f.State == FlowState.CodeSent)
            .ToListAsync();
        open = open.Where(f => f.ExpiresAt > now).ToList();
        var typed = FlowStore.Digits(code);
        foreach (var flow in open)
        {
            if (typed.Length == 6 && FlowStore.FixedEquals(flow.CodeHash, await flows.SecretHashAsync(flow, "code", typed)))
            {
                return await ApplyAsync(flow, "code", http);
            }
        }

        var locked = false;
        foreach (var flow in open)
        {
            flow.CodeAttempts++;
            if (flow.CodeAttempts >= O.MaxCodeAttempts)
            {
                flow.State = FlowState.Locked;
                flow.LockReason = "code";
                flow.CodeHash = null;
                flow.LinkHash = null;
                locked = true;
            }

            await flows.SaveAsync(flow);
        }

        await audit.WriteAsync("admin.official_update.confirmed", locked ? "locked" : "failure", user?.Id, user?.Id, http, "code");
        return locked ? ContactConfirmation.Locked : ContactConfirmation.Invalid;
    }

    private async Task<ContactConfirmation> ApplyAsync(AccountFlow flow, string how, HttpContext http)
    {
        var now = time.GetUtcNow();
        if (flow.State == FlowState.Locked)
        {
            return ContactConfirmation.Locked;
        }

        if (flow.State != FlowState.CodeSent || flow.ExpiresAt <= now || flow.CodeExpiresAt is not { } expires || expires <= now)
        {
            await audit.WriteAsync("admin.official_update.confirmed", "expired", flow.UserId, flow.UserId, http, how);
            return ContactConfirmation.Expired;
        }

        var user = await users.FindByIdAsync(flow.UserId!);
        if (user is null)
        {
            return ContactConfirmation.Invalid;
        }

        if (flow.PendingEmail is { } email)
        {
            if (await EmailTakenAsync(user, email))
            {
                await audit.WriteAsync("admin.official_update.confirmed", "failure", user.Id, user.Id, http, "email taken meanwhile");
                return ContactConfirmation.Taken;
            }

            user.Email = email;
            user.NormalizedEmail = users.NormalizeEmail(email);
            user.EmailConfirmed = true;
        }

        if (flow.PendingPhone is { } phone)
        {
            user.PhoneNumber = phone;
            user.PhoneNumberConfirmed = true;
        }

        flow.State = FlowState.Completed;
        flow.CompletedAt = now;
        flow.CodeHash = null;
        flow.LinkHash = null;
        flow.UpdatedAt = now;
        flow.Version++;
        var result = await users.UpdateAsync(user);
        await audit.WriteAsync("admin.official_update.confirmed", result.Succeeded ? "success" : "conflict", user.Id, user.Id, http,
            $"{how}; {(flow.PendingEmail is not null ? "email" : "phone")}; flow {flow.Id}");
        return result.Succeeded ? ContactConfirmation.Confirmed : ContactConfirmation.Invalid;
    }

    /// <summary>A flow carrying a fresh code (and link) to each new address; saved with the officer's change.</summary>
    private async Task StartVerificationAsync(IessUser user, string? email, string? phone, HttpContext http)
    {
        var now = time.GetUtcNow();
        var minutes = (int)O.VerificationLifetime.TotalMinutes;
        foreach (var (newEmail, newPhone) in new[] { (email, (string?)null), (null, phone) }.Where(c => c.Item1 is not null || c.Item2 is not null))
        {
            var flow = new AccountFlow
            {
                Id = Guid.NewGuid(),
                Kind = FlowKind.OfficialUpdate,
                State = FlowState.CodeSent,
                UserId = user.Id,
                IdentifierHash = await flows.IdentifierHashAsync(FlowKind.OfficialUpdate, user.UserName ?? user.Id),
                Channel = newEmail is not null ? PossessionChannel.Email : PossessionChannel.Sms,
                PendingEmail = newEmail,
                PendingPhone = newPhone,
                Sends = 1,
                LastSentAt = now,
                CreatedAt = now,
                UpdatedAt = now,
                ExpiresAt = now + O.VerificationLifetime,
                CodeExpiresAt = now + O.VerificationLifetime,
            };
            var code = FlowStore.NewCode();
            flow.CodeHash = await flows.SecretHashAsync(flow, "code", code);
            var confirmPage = new Uri(publicAddress.For(http), "/Profile/Confirm");
            OutboxMessage message;
            if (newEmail is not null)
            {
                var token = FlowStore.NewLinkToken();
                flow.LinkHash = await flows.SecretHashAsync(flow, "link", token);
                var link = new Uri(confirmPage + $"?flow={flow.Id:N}&token={token}");
                message = outbox.QueueEmail(newEmail, EmailTemplates.OfficialUpdateCode(user.DisplayName, code, link, confirmPage, O.VerificationLifetime), "admin.official_update.email", user.Id);
            }
            else
            {
                message = outbox.QueueSms(newPhone!, $"IESS: su codigo para confirmar este celular es {code}. Vence en {minutes} min. Ingreselo en {confirmPage}. No lo comparta.", "admin.official_update.sms", user.Id);
            }

            message.FlowId = flow.Id;
            db.AccountFlows.Add(flow);
        }
    }

    /// <summary>An officer's newer request replaces any verification still waiting, so only the latest code works.</summary>
    private async Task ExpirePendingAsync(IessUser user)
    {
        var now = time.GetUtcNow();
        foreach (var flow in await db.AccountFlows.Where(f => f.UserId == user.Id && f.Kind == FlowKind.OfficialUpdate && f.State == FlowState.CodeSent).ToListAsync())
        {
            flow.State = FlowState.Expired;
            flow.CodeHash = null;
            flow.LinkHash = null;
            flow.UpdatedAt = now;
            flow.Version++;
        }
    }

    private Task<bool> EmailTakenAsync(IessUser user, string email)
    {
        var normalized = users.NormalizeEmail(email);
        return users.Users.AnyAsync(u => u.Id != user.Id && u.NormalizedEmail == normalized && u.EmailConfirmed);
    }

    /// <summary>Saves the account (and whatever else the change tracked) in one go, then audits it with the officer as actor.</summary>
    private async Task<ChangeOutcome> SaveAsync(IessUser user, string type, string reason, Officer officer, HttpContext http, string? detail = null)
    {
        IdentityResult result;
        try
        {
            result = await users.UpdateAsync(user);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            result = IdentityResult.Failed(new IdentityErrorDescriber().ConcurrencyFailure());
        }

        return await AuditedAsync(result, user, type, reason, officer, http, detail);
    }

    private async Task<ChangeOutcome> AuditedAsync(IdentityResult result, IessUser user, string type, string reason, Officer officer, HttpContext http, string? detail = null)
    {
        var outcome = ChangeOutcome.From(result);
        if (!result.Succeeded)
        {
            db.ChangeTracker.Clear();
        }

        await audit.WriteAsync(type, result.Succeeded ? "success" : outcome.Conflict ? "conflict" : "failure", user.Id, officer.UserId, http,
            (detail is null ? "" : detail + "; ") + "reason: " + reason);
        return outcome;
    }

    private static string Mask(string value) => value.Length <= 4 ? "****" : new string('*', value.Length - 4) + value[^4..];

    /// <summary>Lower case without accents (á → a, ñ → n): how names are compared.</summary>
    internal static string Fold(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    private async Task<Page<AccountSummary>> PageAsync(IQueryable<IessUser> query, int page, int size)
    {
        var total = await query.CountAsync();
        var rows = await query.OrderBy(u => u.IessId).ThenBy(u => u.Branch).Skip((page - 1) * size).Take(size).ToListAsync();
        return new Page<AccountSummary>(rows.Select(Summary).ToList(), page, size, total);
    }

    private AccountSummary Summary(IessUser u) => new(
        u.Id, u.AccountType.ToString(), u.IessId, u.Branch, u.DisplayName, u.Email,
        u.LockoutEnd is { } end && end > time.GetUtcNow(), u.RecoveryLockedAt is not null);
}

/// <summary>The in-person evidence behind an official update, already validated.</summary>
public sealed record Evidence(string DocumentType, string DocumentNumber, string ServiceCentre);

/// <summary>One row of the search results.</summary>
public sealed record AccountSummary(string Id, string AccountType, string IessId, string? Branch, string DisplayName, string? Email, bool LockedOut, bool RecoveryLocked);

/// <summary>An account's status as the console shows it; <see cref="Version"/> is also sent as the ETag.</summary>
public sealed record AccountStatus(
    string Id,
    string AccountType,
    string IessId,
    string? Branch,
    string? GivenNames,
    string? FamilyNames,
    string? BusinessName,
    string DisplayName,
    LegalRepresentative? LegalRepresentative,
    bool LockedOut,
    DateTimeOffset? LockedUntil,
    int FailedSignIns,
    bool RecoveryLocked,
    DateTimeOffset? RecoveryLockedAt,
    string? RecoveryLockReason,
    string? Email,
    bool EmailVerified,
    string? Phone,
    bool PhoneVerified,
    bool MfaEnabled,
    bool SecurityProfileSet,
    bool SecurityImageSet,
    int SecurityQuestions,
    bool MustChooseSecurityProfile,
    IReadOnlyList<PendingContact> PendingContacts,
    IReadOnlyList<AccountEvent> RecentSignIns,
    IReadOnlyList<RecoveryAttempt> RecentRecoveryAttempts,
    string Version);

public sealed record LegalRepresentative(string? Cedula, string? Name);

/// <summary>A new email or phone recorded by an officer, waiting for the person to confirm it.</summary>
public sealed record PendingContact(string? Email, string? Phone, DateTimeOffset ExpiresAt);

public sealed record AccountEvent(DateTimeOffset At, string Type, string Outcome, string? IpAddress);

public sealed record RecoveryAttempt(Guid Id, string Kind, string State, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, string? LockReason, string? Channel);
