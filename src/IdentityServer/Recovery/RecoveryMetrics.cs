using Iess.Identity.Data;
using Microsoft.EntityFrameworkCore;

namespace Iess.Identity.Recovery;

/// <summary>How a person proved possession: an email link or code, an SMS code, or in person at a service centre.</summary>
public static class VerificationMethod
{
    public const string Email = "email";
    public const string Sms = "sms";
    public const string InPerson = "in_person";

    public static readonly string[] All = [Email, Sms, InPerson];
}

/// <summary>One verification method's figures over a period, as the console's "System Access Metrics" table shows them.</summary>
public sealed record MethodFigures(
    string Method,
    int Requests,
    int Completions,
    double CompletionRate,
    TimeSpan? MedianDelivery,
    TimeSpan? P90Delivery,
    TimeSpan? MedianTimeToFinish);

/// <summary>
/// Computes recovery figures per method from what the flows and the outbox already store. Requests: recovery flows
/// (affiliate and employer) started in the period that sent a code by that method, and official updates recorded in
/// person. Delivery wait: queued → handed to the mail or SMS server, for every code or link message of those flows
/// (joined by <c>OutboxMessages.FlowId</c>). Time to finish: created → completed. Percentiles are computed here over the
/// period's rows, because SQLite has no percentile function.
/// </summary>
public sealed class RecoveryMetrics(IessDbContext db)
{
    private static readonly FlowKind[] Kinds = [FlowKind.AffiliateRecovery, FlowKind.EmployerRecovery, FlowKind.OfficialUpdate];

    public async Task<IReadOnlyList<MethodFigures>> ForPeriodAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var flows = await db.AccountFlows.AsNoTracking()
            .Where(f => Kinds.Contains(f.Kind) && f.CreatedAt >= from && f.CreatedAt < to && (f.Channel != null || f.Kind == FlowKind.OfficialUpdate))
            .Select(f => new { f.Kind, f.Channel, f.State, f.CreatedAt, f.CompletedAt })
            .ToListAsync(cancellationToken);
        var deliveries = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.SentAt != null)
            .Join(
                db.AccountFlows.Where(f => Kinds.Contains(f.Kind) && f.CreatedAt >= from && f.CreatedAt < to),
                m => m.FlowId,
                f => (Guid?)f.Id,
                (m, f) => new { f.Kind, f.Channel, m.QueuedAt, m.SentAt })
            .ToListAsync(cancellationToken);

        return [.. VerificationMethod.All.Select(method =>
        {
            var mine = flows.Where(f => MethodOf(f.Kind, f.Channel) == method).ToList();
            var completed = mine.Where(f => f.State == FlowState.Completed && f.CompletedAt is not null).ToList();
            var delivery = deliveries.Where(d => MethodOf(d.Kind, d.Channel) == method).Select(d => d.SentAt!.Value - d.QueuedAt).ToList();
            return new MethodFigures(
                method,
                mine.Count,
                completed.Count,
                mine.Count == 0 ? 0 : (double)completed.Count / mine.Count,
                Percentile(delivery, 0.5),
                Percentile(delivery, 0.9),
                Percentile([.. completed.Select(f => f.CompletedAt!.Value - f.CreatedAt)], 0.5));
        })];
    }

    /// <summary>The method a flow verified possession by; an official update is in person whatever it then sends.</summary>
    public static string MethodOf(FlowKind kind, PossessionChannel? channel) =>
        kind == FlowKind.OfficialUpdate ? VerificationMethod.InPerson : channel == PossessionChannel.Sms ? VerificationMethod.Sms : VerificationMethod.Email;

    /// <summary>Nearest-rank percentile; null for no data.</summary>
    public static TimeSpan? Percentile(List<TimeSpan> values, double p)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        var rank = (int)Math.Ceiling(p * values.Count);
        return values[Math.Clamp(rank - 1, 0, values.Count - 1)];
    }
}
