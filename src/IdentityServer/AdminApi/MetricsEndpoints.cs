using Iess.Identity.Data;
using Iess.Identity.Recovery;
using Microsoft.EntityFrameworkCore;

namespace Iess.Identity.AdminApi;

/// <summary>One row of the dashboard's table; times in seconds (null when the period has no data for it).</summary>
public sealed record MethodMetrics(
    string Method,
    int Requests,
    int Completions,
    double CompletionRate,
    double? MedianDeliverySeconds,
    double? P90DeliverySeconds,
    double? MedianTimeToFinishSeconds);

/// <summary>Sign-ins that succeeded and accounts locked by failed sign-ins, from the audit log.</summary>
public sealed record SignInMetrics(int Successes, int Lockouts);

/// <summary>The "System Access Metrics" of a period.</summary>
public sealed record AccessMetrics(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<MethodMetrics> Methods, SignInMetrics SignIns);

/// <summary>
/// Recovery and sign-in figures for a period (default: the last 7 days). Every officer may read them: they are counts
/// and times, nothing about any one person.
/// </summary>
public static class MetricsEndpoints
{
    private static readonly TimeSpan DefaultSpan = TimeSpan.FromDays(7);

    public static RouteGroupBuilder MapMetricsEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/metrics", GetAsync);
        return api;
    }

    private static async Task<IResult> GetAsync(HttpContext http, RecoveryMetrics recovery, IessDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (AdminPeriod.Read(http, DefaultSpan, time.GetUtcNow(), out var problem) is not { } period)
        {
            return problem!;
        }

        var methods = await recovery.ForPeriodAsync(period.From, period.To, cancellationToken);
        var events = db.AuditEvents.AsNoTracking().Where(e => e.OccurredAt >= period.From && e.OccurredAt < period.To);
        var successes = await events.CountAsync(e => e.Type == "signin.success", cancellationToken);
        var lockouts = await events.CountAsync(e => e.Type == "account.locked", cancellationToken);
        return TypedResults.Ok(new AccessMetrics(
            period.From,
            period.To,
            [.. methods.Select(m => new MethodMetrics(m.Method, m.Requests, m.Completions, m.CompletionRate,
                m.MedianDelivery?.TotalSeconds, m.P90Delivery?.TotalSeconds, m.MedianTimeToFinish?.TotalSeconds))],
            new SignInMetrics(successes, lockouts)));
    }
}
