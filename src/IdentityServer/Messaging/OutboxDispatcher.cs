using Iess.Identity.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Messaging;

/// <summary>
/// Sends queued messages. Each message is claimed with a conditional update, so with several nodes exactly one
/// sends it; a node that dies mid-send loses its claim after <see cref="MessagingOptions.ClaimTimeout"/>.
/// Failures are retried with doubling delays up to <see cref="MessagingOptions.MaxAttempts"/>.
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IOptions<MessagingOptions> options,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private readonly string node = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.DispatchInterval, time);
        do
        {
            try
            {
                while (await DispatchBatchAsync(stoppingToken) > 0)
                {
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Outbox dispatch failed; retrying at the next tick.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Claims and sends one batch of due messages; returns how many were claimed.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        var now = time.GetUtcNow();
        var candidates = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.SentAt == null && m.FailedAt == null && m.NextAttemptAt <= now && (m.ClaimedUntil == null || m.ClaimedUntil < now))
            .OrderBy(m => m.NextAttemptAt)
            .Select(m => m.Id)
            .Take(o.BatchSize)
            .ToListAsync(cancellationToken);

        var claimed = 0;
        foreach (var id in candidates)
        {
            var until = now + o.ClaimTimeout;
            var won = await db.OutboxMessages
                .Where(m => m.Id == id && m.SentAt == null && m.FailedAt == null && (m.ClaimedUntil == null || m.ClaimedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimedBy, node).SetProperty(m => m.ClaimedUntil, until), cancellationToken);
            if (won == 1)
            {
                claimed++;
                await SendAsync(scope.ServiceProvider, db, id, cancellationToken);
            }
        }

        return claimed;
    }

    private async Task SendAsync(IServiceProvider services, IessDbContext db, Guid id, CancellationToken cancellationToken)
    {
        var message = await db.OutboxMessages.SingleAsync(m => m.Id == id, cancellationToken);
        message.Attempts++;
        try
        {
            if (message.Channel == MessageChannel.Email)
            {
                await services.GetRequiredService<IEmailSender>().SendAsync(message, cancellationToken);
            }
            else
            {
                await services.GetRequiredService<ISmsSender>().SendAsync(message, cancellationToken);
            }

            message.SentAt = time.GetUtcNow();
            message.LastError = null;
            logger.LogInformation("Sent {Channel} message {Id} ({Purpose}).", message.Channel, message.Id, message.Purpose);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            var o = options.Value;
            message.LastError = exception.GetType().Name + ": " + exception.Message[..Math.Min(exception.Message.Length, 500)];
            if (message.Attempts >= o.MaxAttempts)
            {
                message.FailedAt = time.GetUtcNow();
                logger.LogError("Gave up on {Channel} message {Id} after {Attempts} attempts: {Error}", message.Channel, message.Id, message.Attempts, message.LastError);
            }
            else
            {
                message.NextAttemptAt = time.GetUtcNow() + (o.RetryDelay * Math.Pow(2, message.Attempts - 1));
                logger.LogWarning("Sending {Channel} message {Id} failed (attempt {Attempts}); retrying at {Next}.", message.Channel, message.Id, message.Attempts, message.NextAttemptAt);
            }
        }

        message.ClaimedBy = null;
        message.ClaimedUntil = null;
        await db.SaveChangesAsync(CancellationToken.None);
        db.ChangeTracker.Clear();
    }
}
