using Iess.Identity.Accounts;
using Iess.Identity.Audit;
using Iess.Identity.Data;
using Iess.Identity.Hosting;
using Iess.Identity.Messaging;
using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace Iess.Identity.Employers;

/// <summary>
/// "Recuperar clave empleador": RUC + branch + legal representative's cédula (and the CAPTCHA), the security image when
/// the branch has one, a single-use code and link to the corporate email, then the new password.
/// </summary>
/// <remarks>
/// No enumeration. The identify step accepts every well-formed combination and always moves on, so it cannot say which
/// part was wrong; where a combination is not genuine (unknown RUC, wrong branch, wrong representative, no password or
/// no verified email) the flow is a phantom: <see cref="AccountFlow.PendingEmail"/> stays null and it can never prove
/// possession. What a phantom shows is chosen so nothing differs from a genuine flow for someone who does not already
/// know the account's secrets:
/// <list type="bullet">
/// <item>Image step: shown when the branch account has an image. A wrong representative on an existing branch sees
/// exactly the genuine grid (decoys keyed by RUC + branch only), and one decoy of it passes (<see cref="PhantomProfile"/>),
/// never the registered image, so trying the grid neither reveals the image to someone without the representative's
/// cédula nor shows that "nothing passes here". A branch with no account looks like any branch: whether it has an image,
/// and which one passes, come from <see cref="PhantomProfile"/> (keyed hash, stable). What remains: someone who walks the
/// whole grid for two representatives (five failures lock the branch for a day, and officers see the locks on the account)
/// could notice that the passing image differs between them; the real protection is the email step.</item>
/// <item>Code step: the page never shows the address (not even masked). A masked address would tell a phantom (no
/// address, or an invented one that differs from the real one) from the genuine combination, so the page says "if the
/// data match, we sent a code and a link to the corporate email registered for this branch". A phantom draws and
/// hashes a code and a link token exactly like a genuine flow (same work, same page, same resend rules) but sends
/// nothing, and every code fails with the same "los datos no coinciden" message and the same attempt count.</item>
/// </list>
/// Limits, locks and the grid are keyed by RUC + branch (not by the representative typed), so trying many
/// representatives for one branch spends that branch's daily flows and its lock like any other failure.
/// </remarks>
public sealed class EmployerRecoveryService(
    FlowStore flows,
    EmployerAccounts employers,
    IessDbContext db,
    UserManager<IessUser> users,
    ServerSecrets secrets,
    IOptions<RecoveryOptions> options,
    TimeProvider time,
    AuditLog audit,
    MessageOutbox outbox,
    IessMetrics metrics)
{
    private const FlowKind Kind = FlowKind.EmployerRecovery;

    private RecoveryOptions O => options.Value;

    /// <summary>Starts a flow (after the CAPTCHA); every well-formed combination takes the same path.</summary>
    public async Task<(StartOutcome Outcome, FlowState State)> StartAsync(EmployerClaim claim, Uri publicBase, HttpContext http)
    {
        var identifierHash = await flows.IdentifierHashAsync(Kind, claim.AccountIdentifier);
        var groupHash = await flows.GroupHashAsync(Kind, claim.GroupIdentifier);
        if (await flows.RefuseStartAsync(identifierHash, http, groupHash) is { } refused)
        {
            await audit.WriteAsync("employer_recovery.start", refused == StartOutcome.Locked ? "locked" : "limited", null, null, http, identifierHash[..12]);
            return (refused, FlowState.Identified);
        }

        var branch = await employers.FindBranchAsync(claim);
        var account = branch is { PasswordHash: not null } ? branch : null;
        var genuine = account is { EmailConfirmed: true, Email: not null } && EmployerAccounts.IsRepresentative(account, claim);

        // A wrong representative still names the branch's account, so officers see the attempts and the lock.
        var flow = await flows.CreateAsync(Kind, identifierHash, account?.Id, http, groupHash);
        flow.PendingEmail = genuine ? account!.Email : null;
        var hasImage = account is not null ? account.SecurityImageId is not null : (await PhantomAsync(flow)).HasImage;
        flow.State = hasImage ? FlowState.KnowledgeVerified : FlowState.ImageVerified;
        await flows.AdvanceAsync(flow, "identify", http);
        if (!hasImage)
        {
            await SendAsync(flow, publicBase, http);
        }

        return (StartOutcome.Started, flow.State);
    }

    public Task<FlowLoad> LoadAsync(HttpContext http, params FlowState[] expected) => flows.LoadAsync(http, Kind, expected);

    /// <summary>The image grid for this flow: the same for every attempt on this RUC and branch, whatever representative was typed.</summary>
    public async Task<IReadOnlyList<SecurityImage>> GridAsync(AccountFlow flow)
    {
        var account = flow.UserId is null ? null : await users.FindByIdAsync(flow.UserId);
        var registered = account is null ? (await PhantomAsync(flow)).ImageId : account.SecurityImageId;
        return SecurityImages.Grid(await secrets.GetAsync("recovery-grid"), flow.IdentifierHash, registered, O.ImageGridSize);
    }

    /// <summary>The registered image picked out of the grid; on success the code and link go out at once.</summary>
    public async Task<StepOutcome> VerifyImageAsync(AccountFlow flow, int picked, Uri publicBase, HttpContext http)
    {
        var account = flow.UserId is null ? null : await users.FindByIdAsync(flow.UserId);
        var passing = account is null ? (await PhantomAsync(flow)).ImageId
            : flow.PendingEmail is not null ? account.SecurityImageId
            : (await PhantomAsync(flow, account.SecurityImageId)).ImageId;
        var ok = passing == picked;
        if (!ok)
        {
            flow.ImageAttempts++;
            return await flows.FailAsync(flow, "image", flow.ImageAttempts >= O.MaxStepFailures, http);
        }

        flow.State = FlowState.ImageVerified;
        var outcome = await flows.AdvanceAsync(flow, "image", http);
        if (outcome == StepOutcome.Advanced)
        {
            await SendAsync(flow, publicBase, http);
        }

        return outcome;
    }

    /// <summary>Draws a new code and link (15 min), within the resend rules; only a genuine flow emails them.</summary>
    public async Task<SendOutcome> SendAsync(AccountFlow flow, Uri publicBase, HttpContext http)
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
        var token = FlowStore.NewLinkToken();
        flow.Channel = PossessionChannel.Email;
        flow.CodeHash = await flows.SecretHashAsync(flow, "code", code);
        flow.LinkHash = await flows.SecretHashAsync(flow, "link", token);
        flow.CodeExpiresAt = now + O.EmailLinkLifetime;
        flow.CodeAttempts = 0;
        flow.Sends++;
        flow.LastSentAt = now;
        flow.State = FlowState.CodeSent;
        var genuine = user is not null && flow.PendingEmail is not null;
        if (genuine)
        {
            var link = new Uri(publicBase, $"/Employer/Recovery/Link?flow={flow.Id:N}&token={token}");
            outbox.QueueEmail(flow.PendingEmail!, EmailTemplates.RecoveryCode(user!.DisplayName, code, link, O.EmailLinkLifetime), "employer_recovery.email", user.Id).FlowId = flow.Id;
        }

        if (await flows.SaveAsync(flow) is not StepOutcome.Advanced)
        {
            return SendOutcome.Conflict;
        }

        metrics.RecoveryStep("employer_recovery.send", genuine ? "success" : "phantom");
        await audit.WriteAsync("employer_recovery.code_sent", genuine ? "success" : "phantom", flow.UserId, flow.UserId, http, $"flow {flow.Id}");
        return SendOutcome.Sent;
    }

    /// <summary>The code typed on the page. A phantom's code was never sent, and never passes even if guessed.</summary>
    public async Task<StepOutcome> VerifyCodeAsync(AccountFlow flow, string? code, HttpContext http)
    {
        if (flow.CodeHash is null || flow.CodeExpiresAt is not { } expires || expires <= time.GetUtcNow())
        {
            await audit.WriteAsync("employer_recovery.possession", "expired", flow.UserId, flow.UserId, http, "code");
            return StepOutcome.CodeExpired;
        }

        var typed = FlowStore.Digits(code);
        var matches = FlowStore.FixedEquals(flow.CodeHash, await flows.SecretHashAsync(flow, "code", typed));
        if (typed.Length == 6 && matches && flow is { PendingEmail: not null, UserId: not null })
        {
            return await PossessionProvenAsync(flow, http);
        }

        flow.CodeAttempts++;
        return await flows.FailAsync(flow, "code", flow.CodeAttempts >= O.MaxCodeAttempts, http);
    }

    /// <summary>The email link, confirmed with a POST: single use, 15 minutes, and it binds the flow to this browser.</summary>
    public async Task<StepOutcome> RedeemLinkAsync(Guid flowId, string? token, HttpContext http)
    {
        var flow = await db.AccountFlows.SingleOrDefaultAsync(f => f.Id == flowId && f.Kind == Kind);
        if (flow is null || string.IsNullOrEmpty(token) || token.Length > 100 || flow.LinkHash is null || flow.PendingEmail is null)
        {
            return StepOutcome.LinkInvalid;
        }

        if (!FlowStore.FixedEquals(flow.LinkHash, await flows.SecretHashAsync(flow, "link", token)) || flow.State != FlowState.CodeSent)
        {
            return StepOutcome.LinkInvalid;
        }

        if (flow.CodeExpiresAt is not { } expires || expires <= time.GetUtcNow() || flow.ExpiresAt <= time.GetUtcNow())
        {
            await audit.WriteAsync("employer_recovery.possession", "expired", flow.UserId, flow.UserId, http, "email link");
            return StepOutcome.CodeExpired;
        }

        flows.Rebind(http, flow);
        return await PossessionProvenAsync(flow, http);
    }

    /// <summary>The new password; then every session and token of the branch account ends and a notice is emailed.</summary>
    public Task<IdentityResult> ResetAsync(AccountFlow flow, string password, HttpContext http) =>
        flows.CompleteWithNewPasswordAsync(flow, password, http);

    private async Task<StepOutcome> PossessionProvenAsync(AccountFlow flow, HttpContext http)
    {
        flow.State = FlowState.PossessionVerified;
        flow.CodeHash = null;
        flow.LinkHash = null;
        return await flows.AdvanceAsync(flow, "possession.email", http);
    }

    private async Task<(bool HasImage, int ImageId)> PhantomAsync(AccountFlow flow, int? registered = null) =>
        PhantomProfile.For(await secrets.GetAsync("recovery-grid"), flow.IdentifierHash, O.ImageGridSize, registered);
}
