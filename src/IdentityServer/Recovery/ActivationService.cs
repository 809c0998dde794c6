using Iess.Identity.Accounts;
using Iess.Identity.Audit;
using Iess.Identity.Data;
using Iess.Identity.Messaging;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Recovery;

/// <summary>
/// "Generar clave" for affiliates imported from the registry without a password: identify, confirm the date of birth
/// the registry holds, verify an email address by code (and optionally a mobile by SMS), then choose the security
/// image, three questions and the password. Cédulas without such an account walk a phantom flow.
/// </summary>
public sealed class ActivationService(
    FlowStore flows,
    IessDbContext db,
    UserManager<IessUser> users,
    SecurityProfile profiles,
    MessageOutbox outbox,
    IOptions<RecoveryOptions> options,
    TimeProvider time,
    AuditLog audit)
{
    private const FlowKind Kind = FlowKind.AffiliateActivation;

    private RecoveryOptions O => options.Value;

    public async Task<StartOutcome> StartAsync(Cedula cedula, HttpContext http)
    {
        var identifierHash = await flows.IdentifierHashAsync(Kind, cedula.Value);
        if (await flows.RefuseStartAsync(identifierHash, http) is { } refused)
        {
            await audit.WriteAsync("activation.start", refused == StartOutcome.Locked ? "locked" : "limited", null, null, http);
            return refused;
        }

        // Only an imported account that never had a password can be activated; everything else is a phantom.
        var user = await users.FindByNameAsync(IessUser.AccountKey(AccountType.Affiliate, cedula.Value));
        var flow = await flows.CreateAsync(Kind, identifierHash, user is { PasswordHash: null } ? user.Id : null, http);
        await audit.WriteAsync("activation.start", "success", flow.UserId, flow.UserId, http, $"flow {flow.Id}");
        return StartOutcome.Started;
    }

    public Task<FlowLoad> LoadAsync(HttpContext http, params FlowState[] expected) => flows.LoadAsync(http, Kind, expected);

    /// <summary>The date of birth must match the registry.</summary>
    public async Task<StepOutcome> VerifyKnowledgeAsync(AccountFlow flow, DateOnly dateOfBirth, HttpContext http)
    {
        var user = flow.UserId is null ? null : await users.FindByIdAsync(flow.UserId);
        if (user?.DateOfBirth == dateOfBirth)
        {
            flow.State = FlowState.KnowledgeVerified;
            return await flows.AdvanceAsync(flow, "knowledge", http);
        }

        flow.KnowledgeAttempts++;
        return await flows.FailAsync(flow, "knowledge", flow.KnowledgeAttempts >= O.MaxStepFailures, http);
    }

    /// <summary>True when another account already has this address verified (never says whose).</summary>
    public Task<bool> EmailTakenAsync(AccountFlow flow, string email)
    {
        var normalized = users.NormalizeEmail(email);
        return users.Users.AnyAsync(u => u.Id != flow.UserId && u.NormalizedEmail == normalized && u.EmailConfirmed);
    }

    /// <summary>Sends a code to the email address the person typed (again, or to a corrected address).</summary>
    public Task<SendOutcome> SendEmailCodeAsync(AccountFlow flow, string email, HttpContext http) =>
        SendAsync(flow, PossessionChannel.Email, email, FlowState.CodeSent, http);

    public Task<StepOutcome> VerifyEmailCodeAsync(AccountFlow flow, string? code, HttpContext http) =>
        VerifyAsync(flow, code, FlowState.PossessionVerified, "email", http);

    public Task<SendOutcome> SendPhoneCodeAsync(AccountFlow flow, string phone, HttpContext http) =>
        SendAsync(flow, PossessionChannel.Sms, phone, FlowState.PhoneCodeSent, http);

    public Task<StepOutcome> VerifyPhoneCodeAsync(AccountFlow flow, string? code, HttpContext http) =>
        VerifyAsync(flow, code, FlowState.ContactsVerified, "phone", http);

    /// <summary>The mobile is optional: go on without one.</summary>
    public Task<StepOutcome> SkipPhoneAsync(AccountFlow flow, HttpContext http)
    {
        flow.PendingPhone = null;
        flow.State = FlowState.ContactsVerified;
        return flows.AdvanceAsync(flow, "phone_skipped", http);
    }

    /// <summary>Last step: the verified contacts, security image, questions and the password, saved together.</summary>
    public async Task<IdentityResult> CompleteAsync(AccountFlow flow, int imageId, IReadOnlyDictionary<int, string> answers, string password, HttpContext http)
    {
        var user = await users.FindByIdAsync(flow.UserId!) ?? throw new InvalidOperationException("The flow's account is gone.");
        if (await EmailTakenAsync(flow, flow.PendingEmail!))
        {
            return IdentityResult.Failed(new IdentityError { Code = "EmailTaken", Description = "EmailTaken" });
        }

        await using var transaction = await db.Database.BeginTransactionAsync();
        user.Email = flow.PendingEmail;
        user.NormalizedEmail = users.NormalizeEmail(flow.PendingEmail);
        user.EmailConfirmed = true;
        if (flow.PendingPhone is not null)
        {
            user.PhoneNumber = flow.PendingPhone;
            user.PhoneNumberConfirmed = true;
        }

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

    private async Task<SendOutcome> SendAsync(AccountFlow flow, PossessionChannel channel, string destination, FlowState next, HttpContext http)
    {
        var now = time.GetUtcNow();
        if (flow.UserId is null)
        {
            return SendOutcome.NoSuchChannel;
        }

        if (await flows.RefuseSendAsync(flow, channel, destination, http) is { } refused)
        {
            return refused;
        }

        var user = await users.FindByIdAsync(flow.UserId);
        var code = FlowStore.NewCode();
        flow.Channel = channel;
        flow.CodeHash = await flows.SecretHashAsync(flow, channel.ToString(), code);
        flow.CodeAttempts = 0;
        flow.Sends++;
        flow.LastSentAt = now;
        flow.State = next;
        if (channel == PossessionChannel.Email)
        {
            flow.PendingEmail = destination;
            flow.CodeExpiresAt = now + O.EmailLinkLifetime;
            outbox.QueueEmail(destination, EmailTemplates.VerificationCode(user!.DisplayName, code), "activation.email", user.Id).FlowId = flow.Id;
        }
        else
        {
            flow.PendingPhone = destination;
            flow.CodeExpiresAt = now + O.SmsCodeLifetime;
            outbox.QueueSms(destination, $"IESS: su codigo para registrar este celular es {code}. Vence en {(int)O.SmsCodeLifetime.TotalMinutes} min. No lo comparta.", "activation.sms", user!.Id).FlowId = flow.Id;
        }

        return await flows.AdvanceAsync(flow, "code_sent." + channel.ToString().ToLowerInvariant(), http) == StepOutcome.Advanced
            ? SendOutcome.Sent
            : SendOutcome.Conflict;
    }

    private async Task<StepOutcome> VerifyAsync(AccountFlow flow, string? code, FlowState next, string step, HttpContext http)
    {
        if (flow.CodeHash is null || flow.CodeExpiresAt is not { } expires || expires <= time.GetUtcNow())
        {
            return StepOutcome.CodeExpired;
        }

        var typed = FlowStore.Digits(code);
        if (typed.Length == 6 && FlowStore.FixedEquals(flow.CodeHash, await flows.SecretHashAsync(flow, flow.Channel.ToString()!, typed)))
        {
            flow.CodeHash = null;
            flow.LastSentAt = null;
            flow.Sends = 0;
            flow.State = next;
            return await flows.AdvanceAsync(flow, step + "_verified", http);
        }

        flow.CodeAttempts++;
        return await flows.FailAsync(flow, step + "_code", flow.CodeAttempts >= O.MaxCodeAttempts, http);
    }
}
