using Iess.Identity.Audit;
using Iess.Identity.Data;
using Microsoft.EntityFrameworkCore;

namespace Iess.Identity.AdminApi;

/// <summary>One audit event as the console lists it.</summary>
public sealed record AuditEntry(long Sequence, DateTimeOffset OccurredAt, string Type, string Outcome, string? Subject, string? Actor, string? IpAddress, string? Detail);

/// <summary>Whether the whole hash chain verifies; <see cref="FirstBroken"/> is the first sequence that does not.</summary>
public sealed record AuditChain(bool Intact, long Events, long? FirstBroken);

/// <summary>A page of audit events (newest first) and the state of the chain.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, int PageNumber, int PageSize, int Total, DateTimeOffset From, DateTimeOffset To, AuditChain Chain);

/// <summary>
/// The audit log filtered by account (<c>subject</c>), officer (<c>actor</c>), event <c>type</c> and period, newest
/// first, with the hash chain checked on every call. Supervisors and administrators only: the log shows who did what
/// to whom across all accounts, more than helpdesk work needs.
/// </summary>
public static class AuditEndpoints
{
    private const int MaxFilterLength = 200;
    private static readonly TimeSpan DefaultSpan = TimeSpan.FromDays(30);

    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", SearchAsync).RequireAuthorization(AdminApiExtensions.SupervisorPolicy);
        return api;
    }

    private static async Task<IResult> SearchAsync(HttpContext http, IessDbContext db, AuditLog log, TimeProvider time, CancellationToken cancellationToken)
    {
        if (AdminRequests.Paging(http, out var problem) is not { } paging ||
            AdminPeriod.Read(http, DefaultSpan, time.GetUtcNow(), out problem) is not { } period)
        {
            return problem!;
        }

        string? subject = null, actor = null, type = null;
        if (!Filter(http, "subject", ref subject, out problem) || !Filter(http, "actor", ref actor, out problem) || !Filter(http, "type", ref type, out problem))
        {
            return problem!;
        }

        var query = db.AuditEvents.AsNoTracking().Where(e => e.OccurredAt >= period.From && e.OccurredAt < period.To);
        if (subject is not null)
        {
            query = query.Where(e => e.Subject == subject);
        }

        if (actor is not null)
        {
            query = query.Where(e => e.Actor == actor);
        }

        if (type is not null)
        {
            query = query.Where(e => e.Type == type);
        }

        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(e => e.Sequence)
            .Skip((paging.Page - 1) * paging.Size).Take(paging.Size)
            .Select(e => new AuditEntry(e.Sequence, e.OccurredAt, e.Type, e.Outcome, e.Subject, e.Actor, e.IpAddress, e.Detail))
            .ToListAsync(cancellationToken);
        var (broken, count) = await log.VerifyAsync(cancellationToken);
        return TypedResults.Ok(new AuditPage(items, paging.Page, paging.Size, total, period.From, period.To, new AuditChain(broken is null, count, broken)));
    }

    private static bool Filter(HttpContext http, string name, ref string? value, out IResult? problem)
    {
        problem = null;
        if (!http.Request.Query.TryGetValue(name, out var raw) || (raw.Count == 1 && string.IsNullOrWhiteSpace(raw[0])))
        {
            return true;
        }

        if (raw.Count != 1 || raw[0]!.Length > MaxFilterLength || raw[0]!.Any(char.IsControl))
        {
            problem = AdminProblems.Invalid(name, $"Un solo valor de hasta {MaxFilterLength} caracteres / One value of up to {MaxFilterLength} characters");
            return false;
        }

        value = raw[0]!.Trim();
        return true;
    }
}
