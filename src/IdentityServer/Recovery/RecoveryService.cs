using System.Security.Cryptography;
using System.Text;
using Iess.Identity.Accounts;
using Iess.Identity.Audit;
using Iess.Identity.Data;
using Iess.Identity.Hosting;
using Iess.Identity.Messaging;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OtpNet;

namespace Iess.Identity.Recovery;

/// <summary>
/// The affiliate recovery flow as a state machine over <see cref="AccountFlow"/> rows. Every step loads the flow
/// through <see cref="FlowStore"/> (binding, expiry, lock and state checked in one place) and saves with optimistic
/// concurrency, so two racing requests cannot both advance it. Unknown cédulas get phantom flows that do the same
/// work and always fail at the knowledge step.
/// </summary>
public sealed class RecoveryService(
    FlowStore flows,
    IessDbContext db,
    UserManager<IessUser> users,
    IPasswordHasher<IessUser> hasher,
    ServerSecrets secrets,
    IOptions<RecoveryOptions> options,
    TimeProvider time,
    AuditLog audit,
    MessageOutbox outbox,
    IessMetrics metrics)
{
    private const FlowKind Kind = FlowKind.AffiliateRecovery;
    private static string? decoyAnswerHash;

    private RecoveryOptions O => options.Value;

    /// <summary>Starts a flow for a cédula (after the CAPTCHA). Known and unknown cédulas take the same path.</summary>
    public async Task<StartOutcome> StartAsync(Cedula cedula, HttpContext http)
    {
        var identifierHash = await flows.IdentifierHashAsync(Kind, cedula.Value);
        if (await flows.RefuseStartAsync(identifierHash, http) is { } refused)
        {
            await audit.WriteAsync("recovery.start", refused == StartOutcome.Locked ? "locked" : "limited", null, null, http, identifierHash[..12]);
            return refused;
        }

        var user = await users.FindByNameAsync(IessUser.AccountKey(AccountType.Affiliate, cedula.Value));
        var flow = await flows.CreateAsync(Kind, identifierHash, user is { PasswordHash: not null } ? user.Id : null, http);
        metrics.RecoveryStep("identify", "success");
        await audit.WriteAsync("recovery.start", "success", flow.UserId, flow.UserId, http, $"flow {flow.Id}");
        return StartOutcome.Started;
    }

    /// <summary>The flow this browser is in, if it may run a step that starts from one of <paramref name="expected"/>.</summary>
    public Task<FlowLoad> LoadAsync(HttpContext http, params FlowState[] expected) => flows.LoadAsync(http, Kind, expected);

    /// <summary>The two questions asked in this flow: two of the person's three, or two from the catalogue.</summary>
    public async Task<IReadOnlyList<SecurityQuestion>> QuestionsAsync(AccountFlow flow)
    {
        var registered = flow.UserId is null ? [] : await db.SecurityAnswers.AsNoTracking()
            .Where(a => a.UserId == flow.UserId).Select(a => a.QuestionId).ToListAsync();
        var pool = registered.Count >= 2 ? registered : SecurityQuestions.All.Select(q => q.Id).ToList();
        var key = await secrets.GetAsync("recovery-questions");
        return pool
            .OrderBy(id => BitConverter.ToUInt64(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(flow.IdentifierHash + ":" + id))))
            .Take(2)
            .OrderBy(id => id)
            .Select(id => SecurityQuestions.Find(id)!)
            .ToList();
    }

    /// <summary>Step 2: date of birth or two answers. Wrong data counts towards the lock; phantoms always fail.</summary>
    public async Task<StepOutcome> VerifyKnowledgeAsync(AccountFlow flow, DateOnly? dateOfBirth, IReadOnlyDictionary<int, string>? answers, HttpContext http)
    {
        var user = flow.UserId is null ? null : await users.FindByIdAsync(flow.UserId);
        bool ok;
        if (dateOfBirth is { } dob)
        {
            ok = user?.DateOfBirth == dob;
        }
        else
        {
            var questions = await QuestionsAsync(flow);
            var stored = user is null ? [] : await db.SecurityAnswers.AsNoTracking().Where(a => a.UserId == user.Id).ToListAsync();
            ok = user is not null;
            foreach (var question in questions)
            {
                // Always two hash checks, so a phantom or a missing answer costs the same time as a real one.
                var hash = stored.FirstOrDefault(a => a.QuestionId == question.Id)?.AnswerHash ?? DecoyAnswerHash();
                var given = answers is not null && answers.TryGetValue(question.Id, out var answer) ? SecurityQuestions.NormalizeAnswer(answer) : "";
                ok &= hasher.VerifyHashedPassword(user ?? new IessUser(), hash, given) != PasswordVerificationResult.Failed
                    && stored.Any(a => a.QuestionId == question.Id);
            }
        }

        if (ok)
        {
            flow.State = user!.SecurityImageId is null ? FlowState.ImageVerified : FlowState.KnowledgeVerified;
            return await flows.AdvanceAsync(flow, "knowledge", http);
        }

        flow.KnowledgeAttempts++;
        return await flows.FailAsync(flow, "knowledge", flow.KnowledgeAttempts >= O.MaxStepFailures, http);
    }

    /// <summary>The image grid for this flow: identical on every attempt for the same cédula.</summary>
    public async Task<IReadOnlyList<SecurityImage>> GridAsync(AccountFlow flow)
    {
        var user = flow.UserId is null ? null : await users.FindByIdAsync(flow.UserId);
        return SecurityImages.Grid(await secrets.GetAsync("recovery-grid"), flow.IdentifierHash, user?.SecurityImageId, O.ImageGridSize);
    }

    /// <summary>Step 3: the registered image picked out of the grid.</summary>
    public async Task<StepOutcome> VerifyImageAsync(AccountFlow flow, int picked, HttpContext http)
    {
        var user = flow.UserId is null ? null : await users.FindByIdAsync(flow.UserId);
        if (user?.SecurityImageId is { } image && image == picked)
        {
            flow.State = FlowState.ImageVerified;
            return await flows.AdvanceAsync(flow, "image", http);
        }

        flow.ImageAttempts++;
        return await flows.FailAsync(flow, "image", flow.ImageAttempts >= O.MaxStepFailures, http);
    }

    /// <summary>The person's verified channels, masked for display.</summary>
    public async Task<IReadOnlyList<ChannelOption>> ChannelsAsync(AccountFlow flow)
    {
        var user = flow.UserId is null ? null : await users.FindByIdAsync(flow.UserId);
        var channels = new List<ChannelOption>();
        if (user is { EmailConfirmed: true, Email: { } email })
        {
            channels.Add(new ChannelOption(PossessionChannel.Email, Masking.Email(email)));
        }

        if (user is { PhoneNumberConfirmed: true, PhoneNumber: { } phone })
        {
            channels.Add(new ChannelOption(PossessionChannel.Sms, Masking.Phone(phone)));
        }

        return channels;
    }

    /// <summary>Step 4: sends a single-use link and code by email, or a code by SMS, within the resend and cap rules.</summary>
    public async Task<SendOutcome> SendAsync(AccountFlow flow, PossessionChannel channel, Uri publicBase, HttpContext http)
    {
        var now = time.GetUtcNow();
        var user = flow.UserId is null ? null : await users.FindByIdAsync(flow.UserId);
        var destination = channel switch
        {
            PossessionChannel.Email when user is { EmailConfirmed: true } => user.Email,
            PossessionChannel.Sms when user is { PhoneNumberConfirmed: true } => user.PhoneNumber,
            _ => null,
        };
        if (user is null || destination is null)
        {
            return SendOutcome.NoSuchChannel;
        }

        if (await flows.RefuseSendAsync(flow, channel, destination, http) is { } refused)
        {
            return refused;
        }

        var code = FlowStore.NewCode();
        flow.Channel = channel;
        flow.CodeHash = await flows.SecretHashAsync(flow, "code", code);
        flow.CodeAttempts = 0;
        flow.Sends++;
        flow.LastSentAt = now;
        flow.State = FlowState.CodeSent;
        if (channel == PossessionChannel.Email)
        {
            var token = FlowStore.NewLinkToken();
            flow.LinkHash = await flows.SecretHashAsync(flow, "link", token);
            flow.CodeExpiresAt = now + O.EmailLinkLifetime;
            var link = new Uri(publicBase, $"/Recovery/Link?flow={flow.Id:N}&token={token}");
            outbox.QueueEmail(destination, EmailTemplates.RecoveryCode(user.DisplayName, code, link, O.EmailLinkLifetime), "recovery.email", user.Id).FlowId = flow.Id;
        }
        else
        {
            flow.LinkHash = null;
            flow.CodeExpiresAt = now + O.SmsCodeLifetime;
            outbox.QueueSms(destination, $"IESS: su codigo para recuperar la clave es {code}. Vence en {(int)O.SmsCodeLifetime.TotalMinutes} min. No lo comparta.", "recovery.sms", user.Id).FlowId = flow.Id;
        }

        if (await flows.SaveAsync(flow) is not StepOutcome.Advanced)
        {
            return SendOutcome.Conflict;
        }

        metrics.RecoveryStep("send." + channel.ToString().ToLowerInvariant(), "success");
        await audit.WriteAsync("recovery.code_sent", "success", user.Id, user.Id, http, channel.ToString());
        return SendOutcome.Sent;
    }

    /// <summary>Step 4b: the code typed on the page (from the email or the SMS).</summary>
    public async Task<StepOutcome> VerifyCodeAsync(AccountFlow flow, string? code, HttpContext http)
    {
        if (flow.CodeHash is null || flow.CodeExpiresAt is not { } expires || expires <= time.GetUtcNow())
        {
            await audit.WriteAsync("recovery.possession", "expired", flow.UserId, flow.UserId, http, flow.Channel?.ToString());
            return StepOutcome.CodeExpired;
        }

        var typed = FlowStore.Digits(code);
        if (typed.Length == 6 && FlowStore.FixedEquals(flow.CodeHash, await flows.SecretHashAsync(flow, "code", typed)))
        {
            return await PossessionProvenAsync(flow, http);
        }

        flow.CodeAttempts++;
        return await flows.FailAsync(flow, "code", flow.CodeAttempts >= O.MaxCodeAttempts, http);
    }

    /// <summary>Step 4c: the email link, confirmed with a POST; binds the flow to the browser that opened it.</summary>
    public async Task<StepOutcome> RedeemLinkAsync(Guid flowId, string? token, HttpContext http)
    {
        var flow = await db.AccountFlows.SingleOrDefaultAsync(f => f.Id == flowId);
        if (flow is null || string.IsNullOrEmpty(token) || token.Length > 100 || flow.LinkHash is null)
        {
            return StepOutcome.LinkInvalid;
        }

        if (!FlowStore.FixedEquals(flow.LinkHash, await flows.SecretHashAsync(flow, "link", token)) || flow.State != FlowState.CodeSent)
        {
            return StepOutcome.LinkInvalid;
        }

        if (flow.CodeExpiresAt is not { } expires || expires <= time.GetUtcNow() || flow.ExpiresAt <= time.GetUtcNow())
        {
            await audit.WriteAsync("recovery.possession", "expired", flow.UserId, flow.UserId, http, "email link");
            return StepOutcome.CodeExpired;
        }

        flows.Rebind(http, flow);
        return await PossessionProvenAsync(flow, http);
    }

    /// <summary>Step 5: the new password. Then every session and token of the account ends and a notice is emailed.</summary>
    public Task<IdentityResult> ResetAsync(AccountFlow flow, string password, HttpContext http) =>
        flows.CompleteWithNewPasswordAsync(flow, password, http);

    private async Task<StepOutcome> PossessionProvenAsync(AccountFlow flow, HttpContext http)
    {
        flow.State = FlowState.PossessionVerified;
        flow.CodeHash = null;
        flow.LinkHash = null;
        return await flows.AdvanceAsync(flow, "possession." + flow.Channel.ToString()!.ToLowerInvariant(), http);
    }

    private string DecoyAnswerHash() => decoyAnswerHash ??= hasher.HashPassword(new IessUser(), Guid.NewGuid().ToString("N"));
}

/// <summary>How starting a flow went.</summary>
public enum StartOutcome
{
    Started,
    Limited,
    Locked,
}

/// <summary>Why a page cannot run its step for this browser.</summary>
public enum LoadProblem
{
    None,
    NoFlow,
    Expired,
    Locked,
    WrongState,
}

/// <summary>The flow a page loaded, and whether the page's step may run.</summary>
public sealed record FlowLoad(AccountFlow? Flow, LoadProblem Problem);

/// <summary>How a step went.</summary>
public enum StepOutcome
{
    Advanced,
    Failed,
    Locked,
    Conflict,
    CodeExpired,
    LinkInvalid,
}

/// <summary>How sending a code went.</summary>
public enum SendOutcome
{
    Sent,
    NoSuchChannel,
    TooSoon,
    TooManySends,
    PhoneCapReached,
    Conflict,
}

/// <summary>A verified channel the person may choose, already masked.</summary>
public sealed record ChannelOption(PossessionChannel Channel, string Masked);
