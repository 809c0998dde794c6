using System.Security.Cryptography;
using System.Text;
using Iess.Identity.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Iess.Identity.Hosting;

/// <summary>
/// Fixed-window counters shared by every node (failed sign-ins from one address, flows started for one cédula, SMS
/// to one number): the database's <c>RateCounters</c> table by default, Redis when <c>Iess:Redis</c> is set.
/// </summary>
public interface IRateCounterStore
{
    /// <summary>Adds one to the counter of <paramref name="subject"/> in the current window and returns the new count, atomically.</summary>
    Task<int> IncrementAsync(string counter, string subject, TimeSpan window, CancellationToken cancellationToken = default);

    /// <summary>The counter's value in the current window (0 when nothing was counted).</summary>
    Task<int> ReadAsync(string counter, string subject, TimeSpan window, CancellationToken cancellationToken = default);
}

/// <summary>
/// One counter's current window: the key names the counter, a digest of the subject (addresses, numbers and
/// identifiers are not stored as typed) and the window's index, so a new window starts from zero without a reset.
/// </summary>
public readonly record struct RateWindow(string Key, DateTimeOffset ExpiresAt)
{
    public static RateWindow Of(string counter, string subject, TimeSpan window, DateTimeOffset now)
    {
        var length = (long)window.TotalSeconds;
        if (length <= 0 || counter.Length > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(window), "A window of at least a second and a counter name of at most 64 characters.");
        }

        var index = now.ToUnixTimeSeconds() / length;
        var digest = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(subject)), 0, 16);
        return new RateWindow($"{counter}:{digest}:{index}", DateTimeOffset.FromUnixTimeSeconds((index + 1) * length));
    }
}

/// <summary>Counters in the <c>RateCounters</c> table: one upsert statement per increment, atomic on every provider.</summary>
public sealed class DatabaseRateCounterStore(IessDbContext db, TimeProvider time) : IRateCounterStore
{
    public async Task<int> IncrementAsync(string counter, string subject, TimeSpan window, CancellationToken cancellationToken = default)
    {
        var (key, expiresAt) = RateWindow.Of(counter, subject, window, time.GetUtcNow());

        // The provider's own representation of the instant (SQLite stores it as a sortable integer).
        var converter = db.Model.FindEntityType(typeof(RateCounter))!.FindProperty(nameof(RateCounter.ExpiresAt))!.GetTypeMapping().Converter;
        var expires = converter?.ConvertToProvider(expiresAt) ?? expiresAt;
        FormattableString upsert = db.Database.ProviderName switch
        {
            "Microsoft.EntityFrameworkCore.SqlServer" => $"""
                MERGE "RateCounters" WITH (HOLDLOCK) AS t USING (SELECT {key} AS "Key") AS s ON t."Key" = s."Key"
                WHEN MATCHED THEN UPDATE SET "Count" = t."Count" + 1
                WHEN NOT MATCHED THEN INSERT ("Key", "Count", "ExpiresAt") VALUES (s."Key", 1, {expires})
                OUTPUT inserted."Count" AS "Value";
                """,
            _ => $"""
                INSERT INTO "RateCounters" ("Key", "Count", "ExpiresAt") VALUES ({key}, 1, {expires})
                ON CONFLICT ("Key") DO UPDATE SET "Count" = "RateCounters"."Count" + 1
                RETURNING "Count" AS "Value"
                """,
        };
        var counts = await db.Database.SqlQuery<int>(upsert).ToListAsync(cancellationToken);
        return counts.Single();
    }

    public async Task<int> ReadAsync(string counter, string subject, TimeSpan window, CancellationToken cancellationToken = default)
    {
        var key = RateWindow.Of(counter, subject, window, time.GetUtcNow()).Key;
        return await db.RateCounters.AsNoTracking().Where(c => c.Key == key).Select(c => c.Count).FirstOrDefaultAsync(cancellationToken);
    }
}

/// <summary>Counters in Redis: INCR and the window's expiry in one script, so a key never outlives its window.</summary>
public sealed class RedisRateCounterStore(IConnectionMultiplexer redis, TimeProvider time) : IRateCounterStore
{
    private const string Prefix = "iess:rate:";

    private static readonly LuaScript Increment = LuaScript.Prepare(
        "local count = redis.call('INCR', @key) if count == 1 then redis.call('PEXPIRE', @key, @ttl) end return count");

    public async Task<int> IncrementAsync(string counter, string subject, TimeSpan window, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var (key, expiresAt) = RateWindow.Of(counter, subject, window, now);
        var ttl = (long)Math.Max(1000, (expiresAt - now).TotalMilliseconds);
        var result = await redis.GetDatabase().ScriptEvaluateAsync(Increment, new { key = (RedisKey)(Prefix + key), ttl });
        return (int)result;
    }

    public async Task<int> ReadAsync(string counter, string subject, TimeSpan window, CancellationToken cancellationToken = default)
    {
        var key = RateWindow.Of(counter, subject, window, time.GetUtcNow()).Key;
        var value = await redis.GetDatabase().StringGetAsync(Prefix + key);
        return value.HasValue ? (int)value : 0;
    }
}

/// <summary>Deletes counters whose window has ended (the database store only; Redis expires its keys itself).</summary>
public sealed class RateCounterPruner(IServiceScopeFactory scopes, IOptions<HostingOptions> options, TimeProvider time, ILogger<RateCounterPruner> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RateCounterPruneInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Pruning rate counters failed; will try again at the next interval.");
            }
        }
    }

    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var now = time.GetUtcNow();
        var deleted = await scope.ServiceProvider.GetRequiredService<IessDbContext>().RateCounters
            .Where(c => c.ExpiresAt <= now)
            .ExecuteDeleteAsync(cancellationToken);
        logger.LogDebug("Pruned {Count} expired rate counters.", deleted);
        return deleted;
    }
}

/// <summary>Readiness includes Redis when the counters live there: sign-ins cannot be counted without it.</summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy();
        }
        catch (RedisException exception)
        {
            return HealthCheckResult.Unhealthy("Redis is unreachable.", exception);
        }
    }
}

/// <summary>Registers the counter store the configuration asks for.</summary>
public static class RateCounterServiceCollectionExtensions
{
    public const string RedisSetting = "Iess:Redis";

    public static IServiceCollection AddIessRateCounters(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration[RedisSetting] is { Length: > 0 } redis)
        {
            services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redis));
            services.AddSingleton<IRateCounterStore, RedisRateCounterStore>();
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        }
        else
        {
            services.AddScoped<IRateCounterStore, DatabaseRateCounterStore>();
            services.AddSingleton<RateCounterPruner>();
            services.AddHostedService(sp => sp.GetRequiredService<RateCounterPruner>());
        }

        return services;
    }
}
