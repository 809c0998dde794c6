using System.Diagnostics;
using Iess.Identity.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Iess.Identity.Connect;

/// <summary>
/// Deletes expired and revoked tokens and authorizations on a timer. Tokens go in small batches walked in key order
/// (each batch finds its rows through the primary key from where the last one stopped, so no batch rescans deleted or
/// live rows), each batch a short statement of its own with a pause after it: sign-ins and token requests, which
/// write to the same tables, never wait long behind the pruner, even with a million tokens to delete. OpenIddict's own
/// <c>PruneAsync</c> deletes 1,000 rows per statement back to back, each batch searching from the start of the table.
/// </summary>
public sealed class TokenPruner(IServiceScopeFactory scopes, IOptions<ConnectOptions> options, TimeProvider time, ILogger<TokenPruner> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PruneInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Pruning tokens failed; will try again at the next interval.");
            }
        }
    }

    public async Task<(long Tokens, long Authorizations)> PruneAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var threshold = now - options.Value.PruneAfter;
        var tokens = await PruneTokensAsync(threshold.UtcDateTime, now.UtcDateTime, cancellationToken);
        using var scope = scopes.CreateScope();
        var authorizations = await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().PruneAsync(threshold, cancellationToken);
        logger.LogInformation("Pruned {Tokens} tokens and {Authorizations} authorizations older than {Threshold}.", tokens, authorizations, threshold);
        return (tokens, authorizations);
    }

    /// <summary>The tokens OpenIddict's pruning deletes (same conditions), batch by batch in key order.</summary>
    private async Task<long> PruneTokensAsync(DateTime threshold, DateTime now, CancellationToken cancellationToken)
    {
        var (batchSize, pause) = (options.Value.PruneBatchSize, options.Value.PruneBatchPause);
        var deleted = 0L;
        var after = "";
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            using var scope = scopes.CreateScope();
            var set = scope.ServiceProvider.GetRequiredService<IessDbContext>().Set<OpenIddictEntityFrameworkCoreToken>();
            var last = after;
            var batch = await set.AsNoTracking()
                .Where(token => string.Compare(token.Id, last) > 0)
                .Where(token => token.CreationDate < threshold)
                .Where(token => (token.Status != Statuses.Inactive && token.Status != Statuses.Valid) ||
                                (token.Authorization != null && token.Authorization.Status != Statuses.Valid) ||
                                token.ExpirationDate < now)
                .OrderBy(token => token.Id)
                .Select(token => token.Id!)
                .Take(batchSize)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return deleted;
            }

            deleted += await set.Where(token => batch.Contains(token.Id!)).ExecuteDeleteAsync(cancellationToken);
            after = batch[^1];

            // Rest at least as long as the batch took: pruning never takes more than half of a core or of the
            // database's write lock, so sign-ins going on meanwhile keep their latency (docs/PERFORMANCE.md).
            var took = Stopwatch.GetElapsedTime(started);
            await Task.Delay(took > pause ? took : pause, cancellationToken);
        }
    }
}
