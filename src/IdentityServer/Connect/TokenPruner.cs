using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace Iess.Identity.Connect;

/// <summary>Deletes expired and revoked tokens and authorizations on a timer, in the store's own batches.</summary>
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
        using var scope = scopes.CreateScope();
        var threshold = time.GetUtcNow() - options.Value.PruneAfter;
        var tokens = await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().PruneAsync(threshold, cancellationToken);
        var authorizations = await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().PruneAsync(threshold, cancellationToken);
        logger.LogInformation("Pruned {Tokens} tokens and {Authorizations} authorizations older than {Threshold}.", tokens, authorizations, threshold);
        return (tokens, authorizations);
    }
}
