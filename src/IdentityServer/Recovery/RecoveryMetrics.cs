using Iess.Identity.Data;
using Iess.Identity.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Iess.Identity.Recovery;

/// <summary>One verification method's figures over a period, as the console's "System Access Metrics" table shows them.</summary>
public sealed record MethodFigures(
    PossessionChannel Method,
    int Requests,
    int Completions,
    double CompletionRate,
    TimeSpan? MedianDelivery,
    TimeSpan? P90Delivery,
    TimeSpan? MedianTimeToFinish);

/// <summary>
/// Computes recovery figures per method from what the flows and the outbox already store: requests (flows that sent
/// a code by that method), completions, delivery latency (queued → handed to the mail or SMS server) and time to finish.
/// </summary>
public sealed class RecoveryMetrics(IessDbContext db)
{
    public async Task<IReadOnlyList<MethodFigures>> ForPeriodAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var flows = await db.AccountFlows.AsNoTracking()
            .Where(f => f.Kind == FlowKind.AffiliateRecovery && f.CreatedAt >= from && f.CreatedAt < to && f.Channel != null)
            .Select(f => new { f.Channel, f.State, f.CreatedAt, f.CompletedAt })
            .ToListAsync(cancellationToken);
        var messages = await db.OutboxMessages.AsNoTracking()
            .Where(m => (m.Purpose == "recovery.email" || m.Purpose == "recovery.sms") && m.QueuedAt >= from && m.QueuedAt < to && m.SentAt != null)
            .Select(m => new { m.Channel, m.QueuedAt, m.SentAt })
            .ToListAsync(cancellationToken);

        return [.. new[] { PossessionChannel.Email, PossessionChannel.Sms }.Select(method =>
        {
            var mine = flows.Where(f => f.Channel == method).ToList();
            var completed = mine.Where(f => f.State == FlowState.Completed && f.CompletedAt is not null).ToList();
            var channel = method == PossessionChannel.Email ? MessageChannel.Email : MessageChannel.Sms;
            var delivery = messages.Where(m => m.Channel == channel).Select(m => m.SentAt!.Value - m.QueuedAt).ToList();
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
