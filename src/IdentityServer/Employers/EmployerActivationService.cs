using Iess.Identity.Accounts;
using Iess.Identity.Audit;
using Iess.Identity.Data;
using Iess.Identity.Hosting;
using Iess.Identity.Messaging;
using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Employers;

/// <summary>
/// "Generar clave empleador" for branches imported without a password: RUC + branch + legal representative's cédula
/// (and the CAPTCHA), a code to the corporate email the registry holds, then security image, three questions and the
/// password. As in <see cref="EmployerRecoveryService"/>, the identify step always moves on and the code page never
/// shows the address; a combination that is not a passwordless branch with that representative is a phantom whose
/// code is never sent and never passes.
/// </summary>
public sealed class EmployerActivationService(
    FlowStore flows,
    EmployerAccounts employers,
    IessDbContext db,
    UserManager<IessUser> users,
    SecurityProfile profiles,
    MessageOutbox outbox,
    IOptions<RecoveryOptions> options,
    TimeProvider time,
    AuditLog audit,
    IessMetrics metrics)
{
    private const FlowKind Kind = FlowKind.EmployerActivation;

    private RecoveryOptions O => options.Value;

    public async Task<(StartOutcome Outcome, FlowState State)> StartAsync(EmployerClaim claim, HttpContext http)
    {
        var identifierHash = await flows.IdentifierHashAsync(Kind, claim.AccountIdentifier);
        var groupHash = await flows.GroupHashAsync(Kind, claim.GroupIdentifier);
        if (await flows.RefuseStartAsync(identifierHash, http, groupHash) is { } refused)
        {
            await audit.WriteAsync("employer_activation.start", refused == StartOutcome.Locked ? "locked" : "limited", null, null, http, identifierHash[..12]);
            return (refused, FlowState.Identified);
        }

        var branch = await employers.FindBranchAsync(claim);
        var genuine = branch is { PasswordHash: null, Email: not null } && EmployerAccounts.IsRepresentative(branch, claim);
        var flow = await flows.CreateAsync(Kind, identifierHash, genuine ? branch!.Id : null, http, groupHash);
        flow.PendingEmail = genuine ? branch!.Email : null;
        await flows.AdvanceAsync(flow, "identify", http);
        await SendAsync(flow, http);
        return (StartOutcome.Started, flow.State);
    }

    public Task<FlowLoad> LoadAsync(HttpContext http, params FlowState[] expected) => flows.LoadAsync(http, Kind, expected);

    /// <summary>Draws a code (valid as long as the email link of recovery), within the resend rules; only a genuine flow emails it.</summary>
    public async Task<SendOutcome> SendAsync(AccountFlow flow, HttpContext http)
    {
        var now = time.GetUtcNow();
        if (flow.Sends >= O.MaxSendsPerFlow)
        {
            return SendOutcome.TooManySends;
        }

        if (flow.LastSentAt is { } last && now - last < O.ResendAfter)
        {
            return SendOutcome.TooSoon;
        }

        var user = flow.UserId is null ? null : await users.FindByIdAsync(flow.UserId);
        var code = FlowStore.NewCode();
        flow.Channel = PossessionChannel.Email;
        flow.CodeHash = await flows.SecretHashAsync(flow, "code", code);
        flow.CodeExpiresAt = now + O.EmailLinkLifetime;
        flow.CodeAttempts = 0;
        flow.Sends++;
        flow.LastSentAt = now;
        flow.State = FlowState.CodeSent;
        var genuine = user is not null && flow.PendingEmail is not null;
        if (genuine)
        {
            outbox.QueueEmail(flow.PendingEmail!, EmailTemplates.VerificationCode(user!.DisplayName, code), "employer_activation.email", user.Id).FlowId = flow.Id;
        }

        if (await flows.SaveAsync(flow) is not StepOutcome.Advanced)
        {
            return SendOutcome.Conflict;
        }

        metrics.RecoveryStep("employer_activation.send", genuine ? "success" : "phantom");
        await audit.WriteAsync("employer_activation.code_sent", genuine ? "success" : "phantom", flow.UserId, flow.UserId, http, $"flow {flow.Id}");
        return SendOutcome.Sent;
    }

    public async Task<StepOutcome> VerifyCodeAsync(AccountFlow flow, string? code, HttpContext http)
    {
        if (flow.CodeHash is null || flow.CodeExpiresAt is not { } expires || expires <= time.GetUtcNow())
        {
            await audit.WriteAsync("employer_activation.possession", "expired", flow.UserId, flow.UserId, http);
            return StepOutcome.CodeExpired;
        }

        var typed = FlowStore.Digits(code);
        var matches = FlowStore.FixedEquals(flow.CodeHash, await flows.SecretHashAsync(flow, "code", typed));
        if (typed.Length == 6 && matches && flow is { PendingEmail: not null, UserId: not null })
        {
            flow.CodeHash = null;
            flow.State = FlowState.PossessionVerified;
            return await flows.AdvanceAsync(flow, "email_verified", http);
        }

        flow.CodeAttempts++;
        return await flows.FailAsync(flow, "code", flow.CodeAttempts >= O.MaxCodeAttempts, http);
    }

    /// <summary>Last step: the security image, questions and password, saved together with the now verified email.</summary>
    public async Task<IdentityResult> CompleteAsync(AccountFlow flow, int imageId, IReadOnlyDictionary<int, string> answers, string password, HttpContext http)
    {
        var user = await users.FindByIdAsync(flow.UserId!) ?? throw new InvalidOperationException("The flow's account is gone.");
        await using var transaction = await db.Database.BeginTransactionAsync();
        user.EmailConfirmed = string.Equals(user.Email, flow.PendingEmail, StringComparison.OrdinalIgnoreCase);
        var result = await users.AddPasswordAsync(user, password);
        if (!result.Succeeded)
        {
            await transaction.RollbackAsync();
            db.ChangeTracker.Clear();
            return result;
        }

        await profiles.SetAsync(user, imageId, answers);
        flow.State = FlowState.Completed;
        flow.CompletedAt = time.GetUtcNow();
        var saved = await flows.SaveAsync(flow);
        if (saved != StepOutcome.Advanced)
        {
            await transaction.RollbackAsync();
            await flows.RecordAsync(flow, "completed", saved, http);
            return IdentityResult.Failed(new IdentityError { Code = "Conflict", Description = "ErrorUnexpected" });
        }

        await transaction.CommitAsync();
        await flows.RecordAsync(flow, "completed", saved, http);
        flows.Forget(http, Kind);
        return result;
    }
}
