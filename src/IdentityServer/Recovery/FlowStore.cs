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
/// The one place flows are created, bound to a browser, loaded (binding, expiry, lock and expected state checked
/// together), advanced or failed (attempt limits, audit, metrics) and saved with optimistic concurrency.
/// </summary>
public sealed class FlowStore(
    IessDbContext db,
    UserManager<IessUser> users,
    ServerSecrets secrets,
    IOptions<RecoveryOptions> options,
    IOptions<HostingOptions> hosting,
    AuditLog audit,
    IessMetrics metrics,
    MessageOutbox outbox,
    IOpenIddictTokenManager tokens,
    IOpenIddictAuthorizationManager authorizations,
    TimeProvider time)
{
    private RecoveryOptions O => options.Value;

    /// <summary>The cookie that names a flow of this kind, scoped to the kind's pages.</summary>
    public static (string Name, string Path) Cookie(FlowKind kind) => kind switch
    {
        FlowKind.AffiliateRecovery => ("iess.recovery", "/Recovery"),
        FlowKind.AffiliateActivation => ("iess.activation", "/Activate"),
        FlowKind.EmployerRecovery => ("iess.employer-recovery", "/Employer"),
        FlowKind.EmployerActivation => ("iess.employer-activation", "/Employer"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>HMAC of a typed identifier: per-identifier limits and stable grids without storing the identifier.</summary>
    public async Task<string> IdentifierHashAsync(FlowKind kind, string identifier) =>
        Hmac(await secrets.GetAsync("recovery-identifiers"), kind + ":" + identifier);

    /// <summary>HMAC of what several identifiers share (an employer's RUC across its branches): limits that count the whole group.</summary>
    public async Task<string> GroupHashAsync(FlowKind kind, string group) =>
        Hmac(await secrets.GetAsync("recovery-identifiers"), kind + ":group:" + group);

    /// <summary>
    /// Whether a new flow may start for this identifier (and its group, when it has one) and address: null when it may.
    /// Flows of phantom identifiers count the same as genuine ones, so a refusal says nothing about the account.
    /// </summary>
    public async Task<StartOutcome?> RefuseStartAsync(string identifierHash, HttpContext http, string? groupHash = null)
    {
        var now = time.GetUtcNow();
        var ip = http.Connection.RemoteIpAddress?.ToString();
        if (await db.AccountFlows.AnyAsync(f => f.IdentifierHash == identifierHash && f.State == FlowState.Locked && f.CreatedAt > now.AddDays(-1)))
        {
            return StartOutcome.Locked;
        }

        var perIdentifier = await db.AccountFlows.CountAsync(f => f.IdentifierHash == identifierHash && f.CreatedAt > now.AddDays(-1));
        var perGroup = groupHash is null ? 0 : await db.AccountFlows.CountAsync(f => f.GroupHash == groupHash && f.CreatedAt > now.AddDays(-1));
        var perIp = ip is null ? 0 : await db.AccountFlows.CountAsync(f => f.IpAddress == ip && f.CreatedAt > now.AddHours(-1));
        return perIdentifier >= O.MaxFlowsPerIdentifierPerDay || perGroup >= O.MaxFlowsPerGroupPerDay || perIp >= O.MaxFlowsPerIpPerHour
            ? StartOutcome.Limited
            : null;
    }

    /// <summary>Whether a code may be sent now (sends per flow, resend delay, daily SMS per number): null when it may.</summary>
    public async Task<SendOutcome?> RefuseSendAsync(AccountFlow flow, PossessionChannel channel, string destination, HttpContext http)
    {
        if (flow.Sends >= O.MaxSendsPerFlow)
        {
            return SendOutcome.TooManySends;
        }

        if (flow.LastSentAt is { } last && time.GetUtcNow() - last < O.ResendAfter)
        {
            return SendOutcome.TooSoon;
        }

        if (channel == PossessionChannel.Sms && await outbox.SmsToNumberTodayAsync(destination) >= O.MaxSmsPerPhonePerDay)
        {
            await audit.WriteAsync(Prefix(flow) + "sms", "limited", flow.UserId, flow.UserId, http, "daily cap per phone");
            return SendOutcome.PhoneCapReached;
        }

        return null;
    }

    public async Task<AccountFlow> CreateAsync(FlowKind kind, string identifierHash, string? userId, HttpContext http, string? groupHash = null)
    {
        var now = time.GetUtcNow();
        var flow = new AccountFlow
        {
            Id = Guid.NewGuid(),
            Kind = kind,
            State = FlowState.Identified,
            UserId = userId,
            IdentifierHash = identifierHash,
            GroupHash = groupHash,
            IpAddress = http.Connection.RemoteIpAddress?.ToString(),
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = now + O.FlowLifetime,
        };
        var binding = NewBinding(flow);
        db.AccountFlows.Add(flow);
        await db.SaveChangesAsync();
        SetCookie(http, flow, binding);
        return flow;
    }

    /// <summary>The flow of this kind this browser is in, if it may run a step that starts from one of <paramref name="expected"/>.</summary>
    public async Task<FlowLoad> LoadAsync(HttpContext http, FlowKind kind, params FlowState[] expected)
    {
        if (!TryReadCookie(http, kind, out var id, out var binding))
        {
            return new FlowLoad(null, LoadProblem.NoFlow);
        }

        var flow = await db.AccountFlows.SingleOrDefaultAsync(f => f.Id == id && f.Kind == kind);
        if (flow is null || !CryptographicOperations.FixedTimeEquals(Convert.FromHexString(flow.BindingHash), SHA256.HashData(binding)))
        {
            return new FlowLoad(null, LoadProblem.NoFlow);
        }

        if (flow.State is FlowState.Locked)
        {
            return new FlowLoad(flow, LoadProblem.Locked);
        }

        if (flow.State is FlowState.Expired or FlowState.Completed || flow.ExpiresAt <= time.GetUtcNow())
        {
            if (flow.State is not (FlowState.Completed or FlowState.Expired))
            {
                flow.State = FlowState.Expired;
                await SaveAsync(flow);
            }

            return new FlowLoad(flow, LoadProblem.Expired);
        }

        return expected.Contains(flow.State) ? new FlowLoad(flow, LoadProblem.None) : new FlowLoad(flow, LoadProblem.WrongState);
    }

    /// <summary>Moves the flow on (the caller set the new state) and records the step.</summary>
    public async Task<StepOutcome> AdvanceAsync(AccountFlow flow, string step, HttpContext http)
    {
        var outcome = await SaveAsync(flow);
        await RecordAsync(flow, step, outcome, http);
        return outcome;
    }

    /// <summary>
    /// Audits and counts a step. Separate from saving so a step saved inside a transaction is recorded after the commit
    /// (the audit log writes on its own connection, which SQLite would make wait for the transaction).
    /// </summary>
    public async Task RecordAsync(AccountFlow flow, string step, StepOutcome outcome, HttpContext http)
    {
        var name = Prefix(flow) + step;
        metrics.RecoveryStep(name, outcome == StepOutcome.Advanced ? "success" : "conflict");
        await audit.WriteAsync(name, outcome == StepOutcome.Advanced ? "success" : "conflict", flow.UserId, flow.UserId, http, $"flow {flow.Id}");
    }

    /// <summary>Records a failed step (the caller counted the attempt); locks the flow and marks the account when told to.</summary>
    public async Task<StepOutcome> FailAsync(AccountFlow flow, string step, bool lockNow, HttpContext http)
    {
        if (lockNow)
        {
            flow.State = FlowState.Locked;
            flow.LockReason = step;
            if (flow.UserId is not null && await users.FindByIdAsync(flow.UserId) is { } user)
            {
                user.RecoveryLockedAt = time.GetUtcNow();
                user.RecoveryLockReason = step;
            }
        }

        var saved = await SaveAsync(flow);
        var name = Prefix(flow) + step;
        metrics.RecoveryStep(name, lockNow ? "locked" : "failure");
        await audit.WriteAsync(name, lockNow ? "locked" : "failure", flow.UserId, flow.UserId, http, $"flow {flow.Id}");
        return saved != StepOutcome.Advanced ? saved : lockNow ? StepOutcome.Locked : StepOutcome.Failed;
    }

    /// <summary>
    /// How every recovery ends: the new password (policy and history apply), lockout cleared, every token and
    /// authorization of the account revoked (the security stamp change ends its sessions), a notice emailed, the flow
    /// completed and forgotten by this browser. All of it is one transaction: a node that dies half-way leaves the
    /// account and the flow exactly as they were.
    /// </summary>
    public async Task<IdentityResult> CompleteWithNewPasswordAsync(AccountFlow flow, string password, HttpContext http)
    {
        var user = await users.FindByIdAsync(flow.UserId!) ?? throw new InvalidOperationException("The flow's account is gone.");
        var token = await users.GeneratePasswordResetTokenAsync(user);
        await using var transaction = await db.Database.BeginTransactionAsync();
        var result = await users.ResetPasswordAsync(user, token, password);
        if (!result.Succeeded)
        {
            await transaction.RollbackAsync();
            return result;
        }

        await users.ResetAccessFailedCountAsync(user);
        await users.SetLockoutEndDateAsync(user, null);
        await tokens.RevokeBySubjectAsync(user.Id);
        await authorizations.RevokeBySubjectAsync(user.Id);
        if (user is { EmailConfirmed: true, Email: { } email })
        {
            outbox.QueueEmail(email, EmailTemplates.PasswordChanged(user.DisplayName, time.GetUtcNow()), "password.changed", user.Id);
        }

        flow.State = FlowState.Completed;
        flow.CompletedAt = time.GetUtcNow();
        var saved = await SaveAsync(flow);
        if (saved != StepOutcome.Advanced)
        {
            await transaction.RollbackAsync();
            await RecordAsync(flow, "reset", saved, http);
            return IdentityResult.Failed(new IdentityError { Code = "Conflict", Description = "ErrorUnexpected" });
        }

        await transaction.CommitAsync();
        await RecordAsync(flow, "reset", saved, http);
        Forget(http, flow.Kind);
        return result;
    }

    /// <summary>Saves the flow unless another request changed it first (then nothing of this request is kept).</summary>
    public async Task<StepOutcome> SaveAsync(AccountFlow flow)
    {
        flow.Version++;
        flow.UpdatedAt = time.GetUtcNow();
        try
        {
            await db.SaveChangesAsync();
            return StepOutcome.Advanced;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return StepOutcome.Conflict;
        }
    }

    /// <summary>Hands the flow to this browser (after an email link opened on another device).</summary>
    public void Rebind(HttpContext http, AccountFlow flow) => SetCookie(http, flow, NewBinding(flow));

    public void Forget(HttpContext http, FlowKind kind) => http.Response.Cookies.Delete(Cookie(kind).Name, new CookieOptions { Path = Cookie(kind).Path });

    /// <summary>Keyed hash of a one-time secret, bound to the flow and its purpose (code, link).</summary>
    public async Task<string> SecretHashAsync(AccountFlow flow, string purpose, string secret) =>
        Hmac(await secrets.GetAsync("recovery-codes"), $"{flow.Id}:{purpose}:{secret}");

    /// <summary>A new 6-digit code (Otp.NET HOTP over a fresh random key).</summary>
    public static string NewCode() => new Hotp(RandomNumberGenerator.GetBytes(20)).ComputeHOTP(RandomNumberGenerator.GetInt32(int.MaxValue));

    public static string NewLinkToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static bool FixedEquals(string? a, string b) =>
        a is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    /// <summary>Digits only, as people type codes ("123 456", "123-456").</summary>
    public static string Digits(string? code) => new((code ?? "").Where(char.IsAsciiDigit).ToArray());

    private static string Prefix(AccountFlow flow) => flow.Kind switch
    {
        FlowKind.AffiliateActivation => "activation.",
        FlowKind.EmployerRecovery => "employer_recovery.",
        FlowKind.EmployerActivation => "employer_activation.",
        _ => "recovery.",
    };

    private static byte[] NewBinding(AccountFlow flow)
    {
        var binding = RandomNumberGenerator.GetBytes(32);
        flow.BindingHash = Convert.ToHexString(SHA256.HashData(binding));
        return binding;
    }

    private void SetCookie(HttpContext http, AccountFlow flow, byte[] binding)
    {
        var (name, path) = Cookie(flow.Kind);
        http.Response.Cookies.Append(name, $"{flow.Id:N}.{Base64Url(binding)}", new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = hosting.Value.SecureCookies,
            Path = path,
            MaxAge = O.FlowLifetime,
            IsEssential = true,
        });
    }

    private static bool TryReadCookie(HttpContext http, FlowKind kind, out Guid id, out byte[] binding)
    {
        id = Guid.Empty;
        binding = [];
        var value = http.Request.Cookies[Cookie(kind).Name];
        var dot = value?.IndexOf('.') ?? -1;
        if (value is null || dot != 32 || !Guid.TryParseExact(value[..dot], "N", out id))
        {
            return false;
        }

        try
        {
            var text = value[(dot + 1)..].Replace('-', '+').Replace('_', '/');
            binding = Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
            return binding.Length == 32;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string Hmac(byte[] key, string text) => Convert.ToHexString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
